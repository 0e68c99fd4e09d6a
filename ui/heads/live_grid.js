// The Attention-heads page's grid of every head (ui/heads/live_grid.py): the tiles' shading as one image on a
// canvas, each head's frame and label letter drawn over it, and one transparent button per drawn tile, which takes
// the clicks and the keyboard and shows the tile's tooltip. Streamlit calls this function with each run's data;
// each call draws its data on the same grid (a few milliseconds).

function cellImage(data) {
  // The cells at one pixel each: the canvas scales them up without smoothing, as the heatmap's blocks.
  const bytes = Uint8Array.from(atob(data.cells), (c) => c.charCodeAt(0));
  const image = new ImageData(data.columns, data.rows);
  bytes.forEach((value, i) => {
    if (value === data.empty) return; // between tiles or a head filtered out: the plot's white shows
    image.data.set(data.palette.slice(3 * value, 3 * value + 3), 4 * i);
    image.data[4 * i + 3] = 255;
  });
  const cells = document.createElement("canvas");
  cells.width = data.columns;
  cells.height = data.rows;
  cells.getContext("2d").putImageData(image, 0, 0);
  return cells;
}

function geometry(data, width) {
  // Where each tile lies in CSS pixels, for a grid ``width`` wide.
  const m = data.margin;
  const cell = {x: (width - m.l - m.r) / data.columns, y: (data.height - m.t - m.b) / data.rows};
  const tile = (layer, head) => ({
    x: m.l + (head - 1) * (data.n + 1) * cell.x,
    y: m.t + ((layer - 1) * (data.n + data.band) + data.band) * cell.y,
    w: data.n * cell.x,
    h: data.n * cell.y,
  });
  return {m, width, plot: {x: m.l, y: m.t, w: width - m.l - m.r, h: data.height - m.t - m.b}, tile};
}

function drawCanvas(canvas, data, cells, where, ink) {
  const ratio = window.devicePixelRatio || 1; // sharp on a projector's scaled display
  const [w, h] = [Math.round(where.width * ratio), Math.round(data.height * ratio)];
  if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h]; // new pixels: only if resized
  canvas.style.width = `${where.width}px`;
  canvas.style.height = `${data.height}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, where.width, data.height);
  const font = getComputedStyle(canvas).fontFamily;
  const text = data.text_px;
  ctx.fillStyle = "white";
  ctx.fillRect(where.plot.x, where.plot.y, where.plot.w, where.plot.h);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, where.plot.x, where.plot.y, where.plot.w, where.plot.h);
  const frame = (layer, head, colour, width) => {
    const t = where.tile(layer, head);
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.strokeRect(t.x, t.y, t.w, t.h);
  };
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.font = `bold ${text}px ${font}`;
  for (const tile of data.tiles) {
    frame(tile.layer, tile.head, data.colours[tile.label], 3);
    const initial = data.initials[tile.label];
    if (initial) {
      const t = where.tile(tile.layer, tile.head);
      ctx.fillStyle = data.colours[tile.label];
      ctx.fillText(initial, t.x + t.w / 2, t.y - 2);
    }
  }
  frame(data.chosen[0], data.chosen[1], "black", 6); // on the plot's white in either theme
  ctx.fillStyle = ink;
  ctx.font = `${text}px ${font}`;
  for (let head = 1; head <= data.heads; head++) {
    const t = where.tile(1, head);
    ctx.fillText(String(head), t.x + t.w / 2, where.m.t - 4);
  }
  ctx.fillText("head", where.plot.x + where.plot.w / 2, where.m.t - text - 8);
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let layer = 1; layer <= data.layers; layer++) {
    const t = where.tile(layer, 1);
    ctx.fillText(String(layer), where.m.l - 8, t.y + t.h / 2);
  }
  ctx.save();
  ctx.translate(text, where.plot.y + where.plot.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText("layer", 0, 0);
  ctx.restore();
}

function placeButtons(holder, data, where, showTip, hideTip, choose) {
  holder.replaceChildren(...data.tiles.map((tile) => {
    const t = where.tile(tile.layer, tile.head);
    const button = document.createElement("button");
    button.className = "tile";
    button.dataset.tile = `${tile.layer}-${tile.head}`;
    button.setAttribute("aria-label", tile.lines.join(". "));
    if (tile.layer === data.chosen[0] && tile.head === data.chosen[1]) button.setAttribute("aria-pressed", "true");
    Object.assign(button.style, {left: `${t.x}px`, top: `${t.y}px`, width: `${t.w}px`, height: `${t.h}px`});
    button.addEventListener("mouseenter", () => showTip(tile, t));
    button.addEventListener("focus", () => showTip(tile, t));
    button.addEventListener("mouseleave", hideTip);
    button.addEventListener("blur", hideTip);
    button.addEventListener("click", () => choose(tile));
    return button;
  }));
}

function newGrid(parentElement) {
  // The grid's elements, made once and drawn again for each run's data (``showKept``).
  const root = document.createElement("div");
  root.className = "heads-grid";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  const buttons = document.createElement("div");
  root.append(canvas, buttons);
  const tip = makeTip(root);
  parentElement.appendChild(root);
  const grid = {data: null, cells: null, drawnWidth: 0, choose: null};

  const hideTip = () => tip.hide();
  const showTip = (tile, t) => tip.show(tile.lines, (box) => { // beside the tile, within the grid
    box.style.left = `${Math.max(4, Math.min(t.x + t.w + 6, root.clientWidth - box.offsetWidth - 4))}px`;
    box.style.top = `${Math.min(t.y, grid.data.height - box.offsetHeight - 4)}px`;
  });
  const draw = (again) => {
    const width = root.clientWidth;
    if (!width || (!again && width === grid.drawnWidth)) return;
    grid.drawnWidth = width;
    const where = geometry(grid.data, width);
    // a tile chosen with the keyboard keeps the focus through the rerun it starts (the buttons are placed afresh)
    const focused = root.getRootNode().activeElement?.dataset?.tile;
    drawCanvas(canvas, grid.data, grid.cells, where, getComputedStyle(root).color);
    placeButtons(buttons, grid.data, where, showTip, hideTip, (tile) => grid.choose(tile));
    buttons.querySelector(`[data-tile="${focused}"]`)?.focus({preventScroll: true});
  };
  const resized = new ResizeObserver(() => draw(false));

  grid.show = (data, setTriggerValue) => {
    Object.assign(grid, {data, cells: cellImage(data)});
    grid.choose = (tile) => setTriggerValue("tile", [tile.layer, tile.head]);
    root.style.height = `${data.height}px`;
    canvas.setAttribute("aria-label", data.description);
    tip.size(data.text_px);
    hideTip();
    draw(true);
    resized.observe(root);
  };
  grid.stop = () => resized.disconnect();
  root.kept = grid;
  return grid;
}

export default function (component) {
  return showKept(component, ".heads-grid", newGrid);
}
