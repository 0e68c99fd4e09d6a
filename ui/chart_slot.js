// A chart's place on the page (ui/chart_slot.py): a box of the chart's height that tells the server once the
// browser has drawn the page's first Plotly chart (or after a few seconds, whatever happened), so that the chart
// meant for this place is sent only then and never delays the first one.

const DRAWN = ".js-plotly-plot .main-svg";

export default function (component) {
  const {data, parentElement, setTriggerValue} = component;
  parentElement.querySelector(".chart-slot")?.teardown(); // the last run's box, if Streamlit kept it
  const box = document.createElement("div");
  box.className = "chart-slot";
  box.style.height = `${data.height}px`;
  box.textContent = data.text;
  parentElement.appendChild(box);

  let sent = false;
  const send = () => {
    if (sent) return;
    sent = true;
    box.teardown();
    setTriggerValue("drawn", true);
  };
  // after the frame that shows the first chart, so its paint comes first
  const afterPaint = () => requestAnimationFrame(() => setTimeout(send, 0));
  const observer = new MutationObserver(() => document.querySelector(DRAWN) && afterPaint());
  const timer = setTimeout(send, data.timeout_ms);
  box.teardown = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  if (document.querySelector(DRAWN)) afterPaint();
  else observer.observe(document.body, {childList: true, subtree: true});
}
