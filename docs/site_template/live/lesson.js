// "run this" on a lesson page: the cells that run without numpy get a button; Python starts
// (in a worker) on the first click, and a cell runs the runnable cells above it first, once,
// in one namespace, as a notebook would. The others say why they are static.
// window.live: ready (starts Python), runCell(k) -> {stdout, error, svg, text}.
(function () {
  "use strict";
  const data = document.getElementById("live-cells");
  if (!data) return;
  const cells = JSON.parse(data.textContent);
  const nodes = [...document.querySelectorAll(".jp-Cell.jp-CodeCell")];
  if (nodes.length !== cells.length) return;  // the page and the notebook disagree: stay static
  const root = window.LIVE_ROOT || "../";
  let py = null;
  let done = 0;  // cells below this index have run (or were skipped as static)
  let chain = Promise.resolve();

  function python() {
    if (!py) py = new LivePython(root);
    return py.ready;
  }

  async function runOne(k) {
    const r = await py.call("run_cell", cells[k].code, k);
    const box = outputs[k];
    box.replaceChildren();
    let svg = null, text = null;
    if (r.stdout) box.append(liveEl("pre", {class: "stdout", text: r.stdout}));
    if (r.error) box.append(liveEl("div", {class: "error", text: r.error.text}));
    if (r.shown && r.shown.dot) {
      svg = await renderDot(r.shown.dot, root);
      const g = liveEl("div", {class: "graph"});
      g.innerHTML = svg;
      box.append(g);
    } else if (r.shown && r.shown.text) {
      text = r.shown.text;
      box.append(liveEl("pre", {class: "stdout", text}));
    }
    if (!r.stdout && !r.error && !r.shown) box.append(liveEl("span", {class: "why", text: "(ran; no output)"}));
    return {stdout: r.stdout, error: r.error ? r.error.text : null, svg, text};
  }

  function runCell(k) {
    chain = chain.then(async () => {
      if (location.protocol === "file:") {
        const msg = "Running cells needs the site served (browsers refuse workers from files): " +
          "python -m http.server -d site, then open http://127.0.0.1:8000/";
        outputs[k].replaceChildren(liveEl("div", {class: "error", text: msg}));
        return {stdout: "", error: msg, svg: null, text: null};
      }
      buttons[k].disabled = true;
      buttons[k].textContent = "running\u2026";
      try {
        await python();
        for (let j = done; j < k; j++) if (cells[j].run) await runOne(j);
        done = Math.max(done, k);
        const r = await runOne(k);
        done = Math.max(done, k + 1);
        return r;
      } catch (err) {
        const msg = "Python could not start: " + err.message;
        outputs[k].replaceChildren(liveEl("div", {class: "error", text: msg}));
        return {stdout: "", error: msg, svg: null, text: null};
      } finally {
        buttons[k].disabled = false;
        buttons[k].textContent = "\u25B6 run this again";
      }
    });
    return chain;
  }

  const buttons = [], outputs = [];
  cells.forEach((cell, k) => {
    const bar = liveEl("div", {class: "live-cell"});
    const out = liveEl("div", {class: "out"});
    outputs.push(out);
    if (cell.run) {
      const b = liveEl("button", {title: "run this cell here (and the runnable cells above it)",
                                  text: "\u25B6 run this"});
      b.onclick = () => runCell(k);
      buttons.push(b);
      // the cell and the runnable cells above it, as one program for the lab
      const program = cells.slice(0, k + 1).map((c, j) => (c.run ? `# --- cell ${j + 1}\n${c.code}` : ""))
        .filter(Boolean).join("\n\n");
      const link = liveEl("a", {href: root + "live/lab.html#code=" + encodeURIComponent(program),
                                title: "this cell with the ones above it, in the lab's editor",
                                text: "open in the lab"});
      bar.append(b, " ", liveEl("span", {class: "why", text: "runs in your browser \u00b7 "}),
                 link, out);
    } else {
      buttons.push(null);
      bar.append(liveEl("span", {class: "why", text: "static: " + cell.why}));
    }
    const input = nodes[k].querySelector(".jp-Cell-inputWrapper") || nodes[k];
    input.after(bar);
  });

  window.live = {
    get ready() { return python().then(() => true); },
    runCell,
    cells,
  };
})();
