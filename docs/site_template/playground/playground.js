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
    // Training points: the class colour, a white ring. Test points: a white centre inside a
    // thick ring of the class colour inside a thin black ring, so that a test point is seen
    // on every background, its own class's colour included (a correctly classified one).
    for (const [list, filled] of pts) {
      for (const [x, y, label] of list) {
        const [px, py] = toPixel(x, y, size);
        const rgb = label ? BLUE : ORANGE;
        out.beginPath();
        out.arc(px, py, filled ? 4 : 5, 0, 2 * Math.PI);
        if (filled) {
          out.fillStyle = `rgb(${rgb})`; out.fill();
          out.lineWidth = 1.5; out.strokeStyle = '#fff'; out.stroke();
        } else {
          out.fillStyle = '#fff'; out.fill();
          out.lineWidth = 2.5; out.strokeStyle = `rgb(${rgb})`; out.stroke();
          out.beginPath(); out.arc(px, py, 6.5, 0, 2 * Math.PI);
          out.lineWidth = 1.5; out.strokeStyle = '#222'; out.stroke();
        }
      }
    }
  }
  function drawLoss() {
    // Axes with values: loss (binary cross-entropy) up, epoch along; the current epoch marked.
    const run = P.runs[key()], w = lossCanvas.width, h = lossCanvas.height;
    const ctx = lossCanvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    const all = run.train.concat(run.test).filter(Number.isFinite);
    const top = Math.max(0.1, Math.min(2.5, Math.max(...all)));
    const n = meta.epochs.length, left = 52, right = 10, topPad = 8, bottom = 30;
    const X = i => left + i / (n - 1) * (w - left - right);
    const Y = v => h - bottom - Math.min(v, top) / top * (h - topPad - bottom);
    ctx.font = '11px sans-serif'; ctx.fillStyle = '#444'; ctx.lineWidth = 1;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (const v of [0, top / 2, top]) {          // y ticks and grid lines
      const y = Math.round(Y(v)) + 0.5;
      ctx.strokeStyle = '#e5e5e5'; ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y);
      ctx.stroke();
      ctx.fillText(v.toFixed(2), left - 4, y);
    }
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    const ticks = [0, Math.floor((n - 1) / 2), n - 1];
    for (const i of ticks) {                       // x ticks: epochs
      const x = Math.round(X(i)) + 0.5;
      ctx.strokeStyle = '#999'; ctx.beginPath(); ctx.moveTo(x, h - bottom); ctx.lineTo(x, h - bottom + 4);
      ctx.stroke();
      ctx.fillText(String(meta.epochs[i]), x, h - bottom + 5);
    }
    ctx.fillText('epoch', (left + w - right) / 2, h - 12);
    ctx.strokeStyle = '#999';                      // the axes
    ctx.beginPath(); ctx.moveTo(left + 0.5, topPad); ctx.lineTo(left + 0.5, h - bottom + 0.5);
    ctx.lineTo(w - right, h - bottom + 0.5); ctx.stroke();
    ctx.save(); ctx.translate(10, (topPad + h - bottom) / 2); ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle'; ctx.fillText('loss', 0, 0); ctx.restore();
    for (const [series, col] of [[run.train, '#333'], [run.test, '#b35900']]) {
      ctx.beginPath(); ctx.strokeStyle = col; ctx.lineWidth = 2;
      series.forEach((v, i) => (i ? ctx.lineTo(X(i), Y(v)) : ctx.moveTo(X(i), Y(v))));
      ctx.stroke();
    }
    ctx.strokeStyle = '#0877bd'; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(X(state.epochIndex), topPad); ctx.lineTo(X(state.epochIndex), h - bottom);
    ctx.stroke();
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
