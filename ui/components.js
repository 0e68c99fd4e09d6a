// What our canvas components share (ui/components.py puts this before each one's own script): a tooltip, and an
// element kept from one run to the next.

function makeTip(root) {
  // A tooltip in ``root``: its lines are set as text, so the user's words are never parsed as HTML.
  const tip = document.createElement("div");
  tip.className = "tip";
  tip.hidden = true;
  root.append(tip);
  return {
    show(lines, place) {
      tip.replaceChildren(...lines.map((line) => {
        const row = document.createElement("div");
        row.textContent = line;
        return row;
      }));
      tip.hidden = false;
      place(tip); // once shown, so that its size is known
    },
    hide() { tip.hidden = true; },
    size(px) { tip.style.fontSize = `${px}px`; },
  };
}

function showKept(component, selector, make) {
  // Streamlit calls a component with each run's data, in the element it keeps while the key stays: the last run's
  // view (``selector``, carrying its ``kept`` handle) draws the new data. A new canvas would have the browser allocate
  // its pixels again at the first drawing call: 15-35 ms for the decay page's chart.
  const {data, parentElement, setTriggerValue} = component;
  const kept = parentElement.querySelector(selector)?.kept ?? make(parentElement);
  kept.show(data, setTriggerValue);
  return kept.stop;
}
