// A chart's place on the page (ui/chart_slot.py): a box of the chart's height that tells the server once the
// browser has drawn the page's first Plotly chart (or after a few seconds, whatever happened), so that the chart
// meant for this place is sent only then and never delays the first one.

const DRAWN = ".js-plotly-plot .main-svg";

export default function (component) {
  const {data, parentElement, setTriggerValue} = component;
  const last = parentElement.querySelector(".chart-slot"); // the last call's box, if Streamlit kept it
  last?.teardown();
  last?.remove();
  const box = document.createElement("div");
  box.className = "chart-slot";
  box.style.height = `${data.height}px`;
  box.textContent = data.text;
  parentElement.appendChild(box);

  let waiting = true; // neither sent nor taken off the page
  const stop = () => {
    waiting = false;
    observer.disconnect();
    clearTimeout(timer);
  };
  const send = () => {
    if (!waiting) return;
    stop();
    setTriggerValue("drawn", true);
  };
  const onDrawn = () => {
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(send, 0)); // after the frame that shows the chart, so its paint comes first
  };
  const observer = new MutationObserver(() => document.querySelector(DRAWN) && onDrawn());
  const timer = setTimeout(send, data.timeout_ms);
  box.teardown = stop;
  if (document.querySelector(DRAWN)) onDrawn();
  else observer.observe(document.body, {childList: true, subtree: true});
  return stop; // Streamlit calls it when the box leaves the page
}
