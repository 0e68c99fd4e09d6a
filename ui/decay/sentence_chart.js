// Distance decay's chart of one sentence (ui/decay/sentence_chart.py), on one canvas: the n x n influence heatmap
// (rows: the word measured, columns: the word changed) with the chosen word's row framed, its colour bar, and that
// row as bars over signed offset, each bar under its heatmap column. Streamlit calls this function with each run's
// data and the chart keeps its place on the page, so a new sentence is drawn in place in a few milliseconds.
// Hovering a cell or a bar shows its value; clicking a row of the heatmap chooses its word.

const SCALE_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const BARS_TOP = 1.05; // the bars' axis runs from 0 to this
const SLANT = Math.PI / 3; // column labels are written at 60 degrees, as the rows' words are long
const GRID_INK = "rgba(128, 128, 128, 0.35)";

function shortened(text, chars) {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

function signed(offset) {
  return offset > 0 ? `+${offset}` : offset < 0 ? `−${-offset}` : "0";
}

function colourOf(data, value) {
  const shade = Math.round(Math.min(Math.max(value, 0), 1) * data.shades);
  return `rgb(${data.palette.slice(3 * shade, 3 * shade + 3).join(",")})`;
}

function layout(data, ctx, width) {
  // Every box of the chart in CSS pixels. Its height depends on the words, never on the width.
  const t = data.text_px, n = data.words.length;
  const widest = (labels) => Math.max(0, ...labels.map((label) => ctx.measureText(label).width));
  const rowLabels = data.words.map((word, i) => shortened(`${i + 1} · ${word}`, data.label_chars));
  const barLabels = data.words.map((word, j) => {
    const offset = j - data.chosen;
    return shortened(offset ? `${word} ${signed(offset)}` : word, data.label_chars);
  });
  const rise = (labels) => widest(labels) * Math.sin(SLANT) + t * Math.cos(SLANT);
  const left = 1.6 * t + widest(rowLabels) + 8;
  const plot = {x: left, w: Math.max(width - left - 10, n)};
  const rowH = Math.min(data.row_px, data.map_max_px / n);
  const map = {...plot, y: 1.6 * t + rise(rowLabels) + 6, h: rowH * n};
  const scale = {...plot, y: map.y + map.h + 1.6 * t, h: 14};
  const bars = {...plot, y: scale.y + scale.h + 3.5 * t, h: data.bars_px};
  const height = bars.y + bars.h + rise(barLabels) + 2.4 * t;
  const step = (room) => Math.max(1, Math.ceil((1.15 * t) / room)); // every k-th label, so none overlap
  return {t, n, rowLabels, barLabels, map, scale, bars, height, cellW: plot.w / n, rowH,
          rowStep: step(rowH), columnStep: step((plot.w / n) * Math.sin(SLANT))};
}

function labelShown(i, step, chosen) {
  // Thinned labels always keep the chosen word's, and leave out those it would overlap.
  return i === chosen || (i % step === 0 && Math.abs(i - chosen) >= step);
}

function drawMap(ctx, data, g, ink, font) {
  const {map, cellW, rowH, n, t} = g;
  data.values.forEach((row, i) => row.forEach((value, j) => {
    ctx.fillStyle = value === null ? data.colours.left_out : colourOf(data, value);
    // whole pixels, a hair wider than the cell, so that no seam shows between cells
    const x = Math.floor(map.x + j * cellW), y = Math.floor(map.y + i * rowH);
    ctx.fillRect(x, y, Math.ceil(map.x + (j + 1) * cellW) - x, Math.ceil(map.y + (i + 1) * rowH) - y);
  }));
  ctx.strokeStyle = data.colours.frame;
  ctx.lineWidth = 3;
  ctx.strokeRect(map.x, map.y + data.chosen * rowH, map.w, rowH);
  ctx.fillStyle = ink;
  ctx.textBaseline = "middle";
  for (let i = 0; i < n; i++) {
    ctx.font = `${i === data.chosen ? "bold " : ""}${t}px ${font}`;
    if (labelShown(i, g.rowStep, data.chosen)) {
      ctx.textAlign = "right";
      ctx.fillText(g.rowLabels[i], map.x - 6, map.y + (i + 0.5) * rowH);
    }
    if (labelShown(i, g.columnStep, data.chosen)) { // ending above its column: it leans left, never off the right
      turnedText(ctx, g.rowLabels[i], map.x + (i + 0.5) * cellW, map.y - 6, SLANT, "right");
    }
  }
  ctx.font = `${t}px ${font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(data.titles.columns, map.x + map.w / 2, 4, g.width - 8);
  turnedText(ctx, data.titles.rows, t * 0.2, map.y + map.h / 2, -Math.PI / 2, "center");
}

function turnedText(ctx, text, x, y, angle, align) {
  // ``text`` turned by ``angle`` about its anchor (x, y), aligned there as ``align`` says.
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(angle);
  ctx.textAlign = align;
  ctx.fillText(text, 0, 0);
  ctx.restore();
}

function drawScale(ctx, data, g, ink) {
  const {scale, t} = g;
  const gradient = ctx.createLinearGradient(scale.x, 0, scale.x + scale.w, 0);
  for (let k = 0; k <= 10; k++) gradient.addColorStop(k / 10, colourOf(data, k / 10));
  ctx.fillStyle = gradient;
  ctx.fillRect(scale.x, scale.y, scale.w, scale.h);
  ctx.fillStyle = ink;
  ctx.textBaseline = "bottom";
  ctx.textAlign = "left";
  ctx.fillText(data.titles.scale, scale.x, scale.y - 3);
  ctx.textBaseline = "top";
  for (const tick of SCALE_TICKS) {
    ctx.textAlign = tick === 0 ? "left" : tick === 1 ? "right" : "center";
    ctx.fillText(String(tick), scale.x + tick * scale.w, scale.y + scale.h + 3);
  }
}

function drawBars(ctx, data, g, ink, font) {
  const {bars, cellW, n, t} = g;
  const y = (value) => bars.y + bars.h * (1 - value / BARS_TOP);
  ctx.strokeStyle = GRID_INK;
  ctx.lineWidth = 1;
  ctx.fillStyle = ink;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const tick of SCALE_TICKS) {
    ctx.beginPath();
    ctx.moveTo(bars.x, Math.round(y(tick)) + 0.5);
    ctx.lineTo(bars.x + bars.w, Math.round(y(tick)) + 0.5);
    ctx.stroke();
    ctx.fillText(String(tick), bars.x - 6, y(tick));
  }
  data.values[data.chosen].forEach((value, j) => {
    if (value === null) return; // the word itself
    ctx.fillStyle = j < data.chosen ? data.colours.before : data.colours.after;
    ctx.fillRect(bars.x + (j + 0.1) * cellW, y(value), 0.8 * cellW, y(0) - y(value));
  });
  ctx.fillStyle = ink;
  for (let j = 0; j < n; j++) { // the bar's word and offset, ending under its bar
    if (!labelShown(j, g.columnStep, data.chosen)) continue;
    ctx.font = `${j === data.chosen ? "bold " : ""}${t}px ${font}`;
    turnedText(ctx, g.barLabels[j], bars.x + (j + 0.5) * cellW, bars.y + bars.h + 6, -SLANT, "right");
  }
  ctx.font = `${t}px ${font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  const title = data.titles.bars_x.replace("{word}", shortened(data.words[data.chosen], data.label_chars));
  ctx.fillText(title, g.width / 2, g.height - 4, g.width - 8); // squeezed if wider than the chart
  ctx.textBaseline = "top";
  turnedText(ctx, data.titles.bars_y, t * 0.2, bars.y + bars.h / 2, -Math.PI / 2, "center");
}

function hit(g, x, y) {
  // The heatmap cell (i, j) or the bar (j) under a point, or null.
  const j = Math.floor((x - g.map.x) / g.cellW);
  if (j < 0 || j >= g.n) return null;
  if (y >= g.map.y && y < g.map.y + g.map.h) return {i: Math.floor((y - g.map.y) / g.rowH), j};
  if (y >= g.bars.y && y <= g.bars.y + g.bars.h) return {j};
  return null;
}

function tipLines(data, spot) {
  // Plain text: the words are the user's, set as text and never parsed as HTML.
  const i = spot.i ?? data.chosen, j = spot.j;
  const value = data.values[i][j];
  if (value === null) return null;
  const w = data.words;
  return spot.i === undefined
    ? [`offset ${signed(j - i)}: “${w[j]}”`, `influence on “${w[i]}”: ${value.toFixed(2)}`]
    : [`“${w[i]}” ← “${w[j]}”`, `offset ${signed(j - i)}: ${value.toFixed(2)}`,
       ...(i === data.chosen ? [] : ["click to look at this row's word"])];
}

function newChart(parentElement) {
  // The chart's elements, made once and drawn again for each sentence (``showKept``).
  const root = document.createElement("div");
  root.className = "decay-chart";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  root.append(canvas);
  const tip = makeTip(root);
  parentElement.appendChild(root);
  const font = getComputedStyle(root).fontFamily;
  const chart = {data: null, g: null, choose: null};

  const draw = () => {
    const width = root.clientWidth;
    const data = chart.data;
    if (!width || !data || (chart.g && chart.g.width === width && chart.g.data === data)) return;
    const ctx = canvas.getContext("2d");
    ctx.font = `bold ${data.text_px}px ${font}`; // measured bold: the chosen word's label is the widest it can be
    const g = chart.g = {...layout(data, ctx, width), width, data};
    const ratio = window.devicePixelRatio || 1; // sharp on a projector's scaled display
    const [w, h] = [Math.round(width * ratio), Math.round(g.height * ratio)];
    // new pixels only if resized: keeping them is what makes a redraw cheap (``showKept``)
    if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
    canvas.style.width = `${width}px`;
    canvas.style.height = `${g.height}px`;
    root.style.height = `${g.height}px`;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, g.height);
    const ink = getComputedStyle(root).color;
    ctx.font = `${data.text_px}px ${font}`;
    drawMap(ctx, data, g, ink, font);
    drawScale(ctx, data, g, ink);
    drawBars(ctx, data, g, ink, font);
  };

  const hideTip = () => { tip.hide(); canvas.style.cursor = ""; };
  canvas.addEventListener("mousemove", (event) => {
    const {g, data} = chart;
    const spot = g && hit(g, event.offsetX, event.offsetY);
    const lines = spot && tipLines(data, spot);
    if (!lines) return hideTip();
    canvas.style.cursor = spot.i !== undefined && spot.i !== data.chosen ? "pointer" : "";
    tip.show(lines, (box) => {
      box.style.left = `${Math.max(4, Math.min(event.offsetX + 14, root.clientWidth - box.offsetWidth - 4))}px`;
      box.style.top = `${Math.max(4, Math.min(event.offsetY + 14, g.height - box.offsetHeight - 4))}px`;
    });
  });
  canvas.addEventListener("mouseleave", hideTip);
  canvas.addEventListener("click", (event) => {
    const {g, data} = chart;
    const spot = g && hit(g, event.offsetX, event.offsetY);
    if (spot && spot.i !== undefined && spot.i !== data.chosen) chart.choose(spot.i);
  });
  const resized = new ResizeObserver(draw);

  chart.show = (data, setTriggerValue) => {
    chart.data = data;
    chart.choose = (row) => setTriggerValue("word", row);
    root.dataset.textPx = String(data.text_px);
    canvas.setAttribute("aria-label", data.description);
    tip.size(data.text_px);
    hideTip();
    draw();
    resized.observe(root);
  };
  chart.stop = () => resized.disconnect();
  root.kept = chart;
  return chart;
}

export default function (component) {
  return showKept(component, ".decay-chart", newChart);
}
