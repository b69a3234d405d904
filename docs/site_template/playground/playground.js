// The playground page: shows runs recorded at build time (runs.js sets window.PLAYGROUND).
// Each run holds, every few epochs, the network's probability of class 1 on a res x res grid
// (uint8, base64) and the train/test losses. Nothing is computed or fetched here.
(function () {
  'use strict';
  const P = window.PLAYGROUND;
  const meta = P.meta;
  const state = {dataset: meta.datasets[0], activation: meta.activations[0],
                 lr: meta.lrs[Math.floor(meta.lrs.length / 2)], arch: meta.archs[0],
                 reg: meta.regs[0], epochIndex: 0};
  const ORANGE = [245, 147, 34], BLUE = [8, 119, 189], WHITE = [255, 255, 255];
  const boundary = document.getElementById('boundary');
  const lossCanvas = document.getElementById('loss');
  const slider = document.getElementById('epoch');
  const play = document.getElementById('play');
  const small = document.createElement('canvas');
  small.width = small.height = meta.grid.res;
  let timer = null;
  const decoded = {};

  function key() {
    return [state.dataset, state.activation, state.lr, state.arch, state.reg].join('|');
  }
  function frames(k) {
    if (!(k in decoded)) {
      const bin = atob(P.runs[k].p);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      decoded[k] = bytes;
    }
    return decoded[k];
  }
  function mix(a, b, t) { return a.map((v, i) => Math.round(v + (b[i] - v) * t)); }
  function colour(p) {  // p in [0, 1]: orange -> white -> blue, like the Playground
    return p < 0.5 ? mix(ORANGE, WHITE, p / 0.5) : mix(WHITE, BLUE, (p - 0.5) / 0.5);
  }
  function toPixel(x, y, size) {
    const g = meta.grid;
    return [(x - g.xmin) / (g.xmax - g.xmin) * size, (g.ymax - y) / (g.ymax - g.ymin) * size];
  }
  function drawBoundary() {
    const k = key(), res = meta.grid.res, bytes = frames(k);
    const off = state.epochIndex * res * res;
    const ctx = small.getContext('2d');
    const img = ctx.createImageData(res, res);
    for (let r = 0; r < res; r++) {        // row 0 of the data is the bottom of the plane
      for (let c = 0; c < res; c++) {
        const rgb = colour(bytes[off + r * res + c] / 255);
        const at = ((res - 1 - r) * res + c) * 4;
        img.data[at] = rgb[0]; img.data[at + 1] = rgb[1]; img.data[at + 2] = rgb[2];
        img.data[at + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const size = boundary.width, out = boundary.getContext('2d');
    out.imageSmoothingEnabled = true;
    out.drawImage(small, 0, 0, size, size);
    const data = P.datasets[state.dataset];
    const pts = [[data.train, true]];
    if (document.getElementById('show-test').checked) pts.push([data.test, false]);
    for (const [list, filled] of pts) {
      for (const [x, y, label] of list) {
        const [px, py] = toPixel(x, y, size);
        out.beginPath();
        out.arc(px, py, 4, 0, 2 * Math.PI);
        const rgb = label ? BLUE : ORANGE;
        out.lineWidth = 1.5;
        out.strokeStyle = filled ? '#fff' : `rgb(${rgb})`;
        if (filled) { out.fillStyle = `rgb(${rgb})`; out.fill(); }
        out.stroke();
      }
    }
  }
  function drawLoss() {
    const run = P.runs[key()], w = lossCanvas.width, h = lossCanvas.height;
    const ctx = lossCanvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    const all = run.train.concat(run.test).filter(Number.isFinite);
    const top = Math.max(0.1, Math.min(2.5, Math.max(...all)));
    const n = meta.epochs.length, pad = 6;
    const X = i => pad + i / (n - 1) * (w - 2 * pad);
    const Y = v => h - pad - Math.min(v, top) / top * (h - 2 * pad);
    ctx.strokeStyle = '#ddd'; ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
    for (const [series, col] of [[run.train, '#333'], [run.test, '#b35900']]) {
      ctx.beginPath(); ctx.strokeStyle = col; ctx.lineWidth = 2;
      series.forEach((v, i) => (i ? ctx.lineTo(X(i), Y(v)) : ctx.moveTo(X(i), Y(v))));
      ctx.stroke();
    }
    ctx.strokeStyle = '#0877bd'; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(X(state.epochIndex), 0); ctx.lineTo(X(state.epochIndex), h);
    ctx.stroke();
    ctx.fillStyle = '#666'; ctx.font = '11px sans-serif';
    ctx.fillText(top.toFixed(2), pad + 2, 12);
  }
  function render() {
    const run = P.runs[key()], i = state.epochIndex;
    drawBoundary();
    drawLoss();
    document.getElementById('readout').textContent =
      `epoch ${meta.epochs[i]} of ${meta.epochs[meta.epochs.length - 1]}: train loss ` +
      `${run.train[i].toFixed(3)}, test loss ${run.test[i].toFixed(3)}`;
    slider.value = i;
    document.body.dataset.run = key();
    document.body.dataset.epoch = meta.epochs[i];
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = '\u25B6 play'; play.setAttribute('aria-pressed', 'false');
  }
  function start() {
    if (state.epochIndex >= meta.epochs.length - 1) state.epochIndex = 0;
    play.textContent = '\u275A\u275A pause'; play.setAttribute('aria-pressed', 'true');
    timer = setInterval(() => {
      if (state.epochIndex >= meta.epochs.length - 1) { stop(); return; }
      state.epochIndex += 1; render();
    }, 120);
  }
  function radios(id, name, values, label) {
    const box = document.getElementById(id);
    for (const v of values) {
      const l = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'radio'; input.name = name; input.value = v;
      input.checked = String(v) === String(state[name]);
      input.addEventListener('change', () => { state[name] = v; render(); });
      l.appendChild(input); l.append(' ' + label(v));
      box.appendChild(l);
    }
  }
  radios('dataset', 'dataset', meta.datasets, v => v);
  radios('activation', 'activation', meta.activations, v => v);
  radios('lr', 'lr', meta.lrs, v => v);
  radios('arch', 'arch', meta.archs, v => v.split('-').join(' \u2192 ') + ' neurons');
  radios('reg', 'reg', meta.regs, v => (v === 'none' ? 'none' : v.replace('l2=', 'L2 \u03bb = ')));
  slider.max = meta.epochs.length - 1;
  slider.addEventListener('input', () => { stop(); state.epochIndex = +slider.value; render(); });
  play.addEventListener('click', () => (timer === null ? start() : stop()));
  document.getElementById('show-test').addEventListener('change', render);
  document.getElementById('nav').innerHTML = meta.nav;
  document.getElementById('provenance').textContent = meta.provenance;
  state.epochIndex = meta.epochs.length - 1;
  render();
}());
