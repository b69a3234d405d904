"""backward_steps: the lecture's backward pass, frame by frame, and its exports."""

from __future__ import annotations

import pytest

from autograd_core import Value
from autograd_core.backward import reverse_topological
from tests.viz.helpers import TinyMLP, chain_rule_example, needs_dot
from viz.steps import (
    backward_steps,
    describe,
    frame_plan,
    html_page,
    save_gif,
    save_html,
    step_graph,
    step_slider,
    steps_table,
)


def test_steps_follow_the_engine_order_with_the_lecture_numbers() -> None:
    f = chain_rule_example()
    steps = backward_steps(f)
    assert [s.node for s in steps] == reverse_topological(f)
    by_label = {s.node.label: s for s in steps}
    s = by_label["f"]
    assert s.upstream == 1.0
    assert [(c.input.label, c.local, c.sends) for c in s.contributions] == [
        ("q", -4.0, -4.0), ("z", 3.0, 3.0)]
    s = by_label["q"]
    assert s.upstream == -4.0
    assert [(c.input.label, c.local, c.sends) for c in s.contributions] == [
        ("x", 1.0, -4.0), ("y", 1.0, -4.0)]
    for leaf, g in (("x", -4.0), ("y", -4.0), ("z", 3.0)):
        assert by_label[leaf].upstream == g and by_label[leaf].contributions == ()
    assert f.grad == 0.0  # replaying touches no .grad


def test_final_gradients_equal_backward(mlp: TinyMLP) -> None:
    x1, x2 = Value(0.3), Value(-1.2)
    out = (mlp([x1, x2]) - 0.5) ** 2
    steps = backward_steps(out)
    out.backward()
    final = steps[-1].grads
    for node in reverse_topological(out):
        assert final[id(node)] == pytest.approx(node.grad, rel=1e-12, abs=1e-15)


def test_reuse_accumulates_in_grad_so_far() -> None:
    x = Value(3.0, "x")
    y = x * x  # two edges into x: each sends 3, grad so far 3 then 6
    steps = backward_steps(y)
    assert [c.grad_so_far for c in steps[0].contributions] == [3.0, 6.0]


def test_text_table() -> None:
    table = steps_table(chain_rule_example())
    lines = table.splitlines()
    assert lines[0].split() == ["step", "node", "op", "upstream", "input", "local", "sends",
                                "input", "grad", "so", "far"]
    assert lines[1].split() == ["1", "f", "*", "1", "q", "-4", "-4", "-4"]
    assert lines[2].split() == ["z", "3", "3", "3"]
    assert "(final gradient)" in table
    const = steps_table(Value(2.0, "x") * 3)
    assert "const 3" in const and "(no gradient)" in const


def test_describe() -> None:
    steps = backward_steps(chain_rule_example())
    q = next(s for s in steps if s.node.label == "q")
    assert describe(q) == "q (+): upstream -4; sends 1 x -4 = -4 to x, 1 x -4 = -4 to y"


def test_frame_graphs_fill_in_gradients_and_highlight() -> None:
    steps = backward_steps(chain_rule_example())
    first = step_graph(steps, 0).source
    assert "{ f | data -12 | grad 1 }" in first
    assert "{ q | data 3 | grad -4 }" in first  # filled in by step 1
    assert "{ x | data -2 | grad ? }" in first  # not reached yet
    assert first.count("penwidth=2.5") == 2  # f's two input edges in bold
    assert 'color="#d62728" fillcolor="#ffd966"' in first  # f outlined
    last = step_graph(steps, -1).source
    assert "| grad ? }" not in last
    assert "step 5/5: x is a leaf" in last
    with pytest.raises(IndexError, match="there are 5 steps"):
        step_graph(steps, 5)


def test_max_nodes() -> None:
    y = Value(1.0)
    for _ in range(20):
        y = y + 1.0
    with pytest.raises(ValueError, match="more than max_nodes=5"):
        backward_steps(y, max_nodes=5)


@needs_dot
def test_gif_has_start_one_frame_per_sending_node_and_the_leaves(tmp_path) -> None:
    from PIL import Image

    path = save_gif(chain_rule_example(), tmp_path / "steps.gif", duration_ms=500)
    with Image.open(path) as im:
        assert im.format == "GIF"
        assert im.n_frames == 4  # start, f, q, the three leaves together
        assert im.info["duration"] == 500


def test_frame_plan_merges_leaves_and_says_which_edge_sends_what() -> None:
    plan = frame_plan(chain_rule_example())
    assert [f.caption.split(":")[0] for f in plan] == [
        "before backward", "f (*)", "q (+)",
        "the leaves' gradients are final (a leaf sends nothing)"]
    assert plan[1].edges == (
        "edge q \u2192 * (f) sends local -4 \u00d7 upstream 1 = -4 to q.grad (now -4)",
        "edge z \u2192 * (f) sends local 3 \u00d7 upstream 1 = 3 to z.grad (now 3)")
    assert plan[2].edges[0] == (
        "edge x \u2192 + (q) sends local 1 \u00d7 upstream -4 = -4 to x.grad (now -4)")
    assert plan[-1].caption.endswith("x.grad = -4, y.grad = -4, z.grad = 3")
    assert "| grad ? }" not in plan[-1].graph.source and "penwidth=3" not in plan[-1].graph.source
    assert plan[0].graph.source.count("grad ?") >= 5
    const = frame_plan(Value(2.0, "x") * 3)
    assert const[1].edges[1] == "edge 3 \u2192 * (x*3): a constant, it gets no gradient"


@needs_dot
def test_html_page_is_self_contained_and_scales(tmp_path) -> None:
    page = html_page(chain_rule_example())
    # four frames, each drawn twice: left to right, and top to bottom for narrow windows
    assert page.count("<svg") == 8 and "<script>" in page
    assert page.count('<div class="wide">') == 4 and page.count('<div class="narrow">') == 4
    assert "@media (max-width:640px)" in page
    assert "http" not in page.split("<svg")[0] and "src=" not in page
    assert page.count('<svg style="max-width:100%;height:auto"') == 8
    assert html_page(chain_rule_example(), rankdir="LR").count("<svg") == 4
    for control in ('id="prev"', 'id="play"', 'id="next"', 'id="counter"', "ArrowRight"):
        assert control in page
    assert "q (+): upstream -4" in page
    assert save_html(chain_rule_example(), tmp_path / "s.html").read_text().startswith(
        "<!DOCTYPE html>")


@needs_dot
def test_slider_frames_are_linked_in_the_browser() -> None:
    box = step_slider(chain_rule_example())
    play, slider = box.children[0].children
    stack = box.children[1]
    assert slider.max == 3 and play.max == 3 and len(stack.children) == 4
    assert "before backward" in stack.children[0].value
    assert "step 3 / 4:</b> q (+): upstream -4" in stack.children[2].value
    assert "<svg" in stack.children[2].value
    (l1, l2) = box.links  # jslinks: saved in the widget state, they step with no kernel
    assert (l1.source[0], l1.target[0]) == (play, slider)
    assert (l2.source, l2.target) == ((slider, "value"), (stack, "selected_index"))
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith("<iframe srcdoc=")  # for widget-less viewers


def test_slider_without_dot_shows_the_step_table(monkeypatch) -> None:
    import importlib

    monkeypatch.setattr(importlib.import_module("viz.render").shutil, "which", lambda n: None)
    note = step_slider(chain_rule_example())
    assert "sudo apt-get install graphviz" in repr(note)
    assert "step  node  op" in repr(note) and "<pre" in note._repr_html_()


def test_captions_name_unlabelled_nodes_by_what_they_compute() -> None:
    """A neuron's step-through names every node by labels ("x1*w1 + x2*w2"), never "#6"."""
    from viz.steps import _names, describe

    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2, b = Value(-3.0, "w1"), Value(1.0, "w2"), Value(6.8813735870195432, "b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    steps = backward_steps(o)
    names = _names(steps)
    text = "\n".join(describe(s, names) for s in steps)
    assert "#" not in text and "#" not in steps_table(o)
    assert "x1*w1 (*): upstream 0.5; sends -3 x 0.5 = -1.5 to x1, 2 x 0.5 = 1 to w1" in text
    assert "x1*w1 + x2*w2 (+)" in text and "to (x1*w1 + x2*w2) + b" in text
    deep = Value(1.0, "a")
    for _ in range(6):
        deep = deep * deep + 1.0
    long_names = _names(backward_steps(deep))
    assert all(len(n) <= 28 and "#" not in n for n in long_names.values())


@needs_dot
def test_labels_cannot_break_out_of_the_captions_script() -> None:
    import json

    hostile = "<!--<script>"
    x, y = Value(2.0, hostile), Value(3.0, "</script><b>&amp;\u2028\u2029")
    page = html_page(x * y)
    start = page.index('<script type="application/json" id="captions">')
    body = page[start:].split(">", 1)[1]
    body = body[:body.index("</script>")]
    for ch in "<>&\u2028\u2029":
        assert ch not in body  # the browser's script parser sees none of them
    captions = json.loads(body)
    text = json.dumps(captions, ensure_ascii=False)
    assert hostile in text and "</script><b>&amp;\u2028\u2029" in text
    assert page.count("<script") == 2 and page.rstrip().endswith("</html>")
