/* autograd_core._speedups: the engine's two hot spots, compiled.
 *
 *   node(...)          = autograd_core.value._node: make an op's output Value;
 *   backward_fast(...) = autograd_core.backward._backward_fast: the backward pass.
 *
 * Each is a line-for-line translation of the Python function, which stays the reference: read
 * that one to learn the algorithm, and autograd_core/walker.py for the edge protocol both
 * follow. Backward: the same two passes (count each node's consumers into _pending and set its
 * gradient to -0.0; then send upstream x local into each input, count_edge and send_edge below,
 * releasing an input once all of its consumers have sent their share), the same refusal of a
 * graph that holds a Function gate (returns False: the reference walker takes it), the same
 * order of operations and float arithmetic (one IEEE multiply, one IEEE add, no fused
 * multiply-add: built with -ffp-contract=off), so both give the same gradients bit for bit;
 * the tests check that on random graphs.
 *
 * Why compile them: on a 100,000-op chain the Python backward loop costs ~0.3-0.7 us per node,
 * the interpreter dispatching a dozen bytecodes per edge, and storing a node's ten slots ~0.2 us;
 * here both are a few pointer loads and stores. The op table (forward values and local
 * derivatives) is not touched: it stays Python, written once.
 *
 * Both read and write the Value slots (data, grad, _pending, _a, _b, _da, ...) directly, at the
 * offsets Python's member descriptors report, which bind() looks up once. Anything that is not
 * an exact float (a Value gradient, an int) goes through the generic number protocol, exactly
 * as the interpreter would. Python falls back to the pure version when this module is missing
 * (no C compiler at install time) or AUTOGRAD_CORE_PURE_PYTHON=1.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

static PyTypeObject *value_type = NULL;
static Py_ssize_t off_grad, off_pending, off_a, off_b, off_da, off_db;
static Py_ssize_t off_data, off_label, off_op, off_arg;
static PyObject *zero_float = NULL, *zero_int = NULL, *minus_zero = NULL, *gate_op = NULL;

#define SLOT(o, off) (*(PyObject **)((char *)(o) + (off)))
#define IS_VALUE(o) ((o) != NULL && Py_TYPE(o) == value_type)

/* ---- binding to the Value class -------------------------------------------------------- */

static int
slot_offset(PyTypeObject *cls, const char *name, Py_ssize_t *out)
{
    PyObject *d = PyDict_GetItemString(cls->tp_dict, name); /* borrowed */
    if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "bind(): %s.%s is not a __slots__ member",
                     cls->tp_name, name);
        return -1;
    }
    PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
    if (m->type != T_OBJECT_EX) {
        PyErr_Format(PyExc_TypeError, "bind(): %s.%s is not an object slot", cls->tp_name, name);
        return -1;
    }
    *out = m->offset;
    return 0;
}

static PyObject *
bind(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyType_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "bind(Value, gate_op) expects the Value class and the "
                        "op name of a Function gate's node");
        return NULL;
    }
    PyObject *cls = args[0];
    PyTypeObject *t = (PyTypeObject *)cls;
    if (slot_offset(t, "grad", &off_grad) < 0 || slot_offset(t, "_pending", &off_pending) < 0 ||
        slot_offset(t, "_a", &off_a) < 0 || slot_offset(t, "_b", &off_b) < 0 ||
        slot_offset(t, "_da", &off_da) < 0 || slot_offset(t, "_db", &off_db) < 0 ||
        slot_offset(t, "data", &off_data) < 0 || slot_offset(t, "label", &off_label) < 0 ||
        slot_offset(t, "_op", &off_op) < 0 || slot_offset(t, "_arg", &off_arg) < 0)
        return NULL;
    if (zero_float == NULL && (zero_float = PyFloat_FromDouble(0.0)) == NULL)
        return NULL;
    if (zero_int == NULL && (zero_int = PyLong_FromLong(0)) == NULL)
        return NULL;
    if (minus_zero == NULL && (minus_zero = PyFloat_FromDouble(-0.0)) == NULL)
        return NULL;
    Py_INCREF(args[1]);
    Py_XSETREF(gate_op, args[1]);
    Py_INCREF(t);
    Py_XSETREF(value_type, t);
    Py_RETURN_NONE;
}

/* ---- small helpers ---------------------------------------------------------------------- */

/* A slot's value, borrowed; AttributeError (as Python would raise) if it was never set. */
static PyObject *
get_slot(PyObject *o, Py_ssize_t off, const char *name)
{
    PyObject *v = SLOT(o, off);
    if (v == NULL)
        PyErr_Format(PyExc_AttributeError, "'%s' object has no attribute '%s'",
                     Py_TYPE(o)->tp_name, name);
    return v;
}

/* Store a new reference into a slot (steals `v`). */
static void
set_slot(PyObject *o, Py_ssize_t off, PyObject *v)
{
    PyObject *old = SLOT(o, off);
    SLOT(o, off) = v;
    Py_XDECREF(old);
}

static int
get_pending(PyObject *o, long *c)
{
    PyObject *v = get_slot(o, off_pending, "_pending");
    if (v == NULL)
        return -1;
    *c = PyLong_AsLong(v);
    return (*c == -1 && PyErr_Occurred()) ? -1 : 0;
}

static int
set_pending(PyObject *o, long c)
{
    PyObject *v = PyLong_FromLong(c);
    if (v == NULL)
        return -1;
    set_slot(o, off_pending, v);
    return 0;
}

/* True if the node was made by an op (its _a slot is not None). */
static int
has_inputs(PyObject *o)
{
    PyObject *a = SLOT(o, off_a);
    return a != NULL && a != Py_None;
}

/* A growable stack of strong references. */
typedef struct {
    PyObject **items;
    Py_ssize_t size, cap;
} Stack;

static int
push(Stack *s, PyObject *o)
{
    if (s->size == s->cap) {
        Py_ssize_t cap = s->cap ? 2 * s->cap : 256;
        PyObject **items = PyMem_Realloc(s->items, cap * sizeof(PyObject *));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->items = items;
        s->cap = cap;
    }
    Py_INCREF(o);
    s->items[s->size++] = o;
    return 0;
}

static void
clear(Stack *s)
{
    while (s->size)
        Py_DECREF(s->items[--s->size]);
    PyMem_Free(s->items);
}

static PyObject *
multiply(PyObject *local, PyObject *g)
{
    if (PyFloat_CheckExact(local) && PyFloat_CheckExact(g))
        return PyFloat_FromDouble(PyFloat_AS_DOUBLE(local) * PyFloat_AS_DOUBLE(g));
    return PyNumber_Multiply(local, g);
}

static PyObject *
add(PyObject *acc, PyObject *x)
{
    if (PyFloat_CheckExact(acc) && PyFloat_CheckExact(x))
        return PyFloat_FromDouble(PyFloat_AS_DOUBLE(acc) + PyFloat_AS_DOUBLE(x));
    return PyNumber_InPlaceAdd(acc, x);
}

/* ---- pass 1: count consumers ------------------------------------------------------------- */

/* True if a leaf's gradient must be kept to add back at the end (anything but a float zero). */
static int
holds_gradient(PyObject *g)
{
    if (PyFloat_CheckExact(g))
        return PyFloat_AS_DOUBLE(g) != 0.0 || Py_IS_NAN(PyFloat_AS_DOUBLE(g));
    return 1;
}

/* One edge into input p: count it, and on first sight queue p (if an op made it) or keep a
 * leaf's existing gradient in stash, then set p's gradient to -0.0 (the sum starts there). */
static int
count_edge(PyObject *p, Stack *s, PyObject *stash)
{
    long c;
    if (get_pending(p, &c) < 0)
        return -1;
    if (c == 0) {
        if (has_inputs(p)) {
            if (push(s, p) < 0)
                return -1;
        }
        else {
            PyObject *g = get_slot(p, off_grad, "grad");
            if (g == NULL)
                return -1;
            if (holds_gradient(g)) {
                PyObject *pair = PyTuple_Pack(2, p, g);
                if (pair == NULL)
                    return -1;
                int r = PyList_Append(stash, pair);
                Py_DECREF(pair);
                if (r < 0)
                    return -1;
            }
        }
        Py_INCREF(minus_zero);
        set_slot(p, off_grad, minus_zero);
    }
    return set_pending(p, c + 1);
}

/* ---- pass 2: upstream x local into each input ------------------------------------------- */

/* p.grad += local * g; release p when its last consumer has sent. */
static int
send_edge(PyObject *p, PyObject *local, PyObject *g, Stack *s)
{
    long c;
    if (get_pending(p, &c) < 0)
        return -1;
    PyObject *prod = multiply(local, g);
    if (prod == NULL)
        return -1;
    PyObject *acc = get_slot(p, off_grad, "grad");
    if (acc == NULL) {
        Py_DECREF(prod);
        return -1;
    }
    PyObject *sum = add(acc, prod);
    Py_DECREF(prod);
    if (sum == NULL)
        return -1;
    set_slot(p, off_grad, sum);
    c -= 1;
    if (set_pending(p, c) < 0)
        return -1;
    if (c == 0 && has_inputs(p))
        return push(s, p);
    return 0;
}

static int
send_tuple(PyObject *inputs, PyObject *locals, PyObject *g, Stack *s)
{
    /* zip(inputs, locals): stops at the shorter */
    PyObject *seq = PySequence_Fast(locals, "an n-ary node's local gradients must be a sequence");
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(inputs), m = PySequence_Fast_GET_SIZE(seq);
    if (m < n)
        n = m;
    int r = 0;
    for (Py_ssize_t i = 0; i < n && r == 0; i++) {
        PyObject *p = PyTuple_GET_ITEM(inputs, i);
        if (IS_VALUE(p))
            r = send_edge(p, PySequence_Fast_GET_ITEM(seq, i), g, s);
    }
    Py_DECREF(seq);
    return r;
}

/* 1 for the node of a Function gate (its op is gate_op), 0 otherwise, -1 on error. */
static int
is_gate(PyObject *node)
{
    PyObject *op = get_slot(node, off_op, "_op");
    return op == NULL ? -1 : PyObject_RichCompareBool(op, gate_op, Py_EQ);
}

/* 0: done; 1: the graph holds a gate (nothing sent yet); -1: error. */
static int
run(PyObject *root, PyObject *seed, PyObject *stash, Stack *s)
{
    Py_INCREF(seed);
    set_slot(root, off_grad, seed);

    /* Pass 1 */
    if (push(s, root) < 0)
        return -1;
    while (s->size) {
        PyObject *node = s->items[--s->size]; /* we own this reference */
        int r = 0;
        PyObject *a = SLOT(node, off_a);
        if (IS_VALUE(a))
            r = count_edge(a, s, stash);
        else if (a != NULL && PyTuple_CheckExact(a)) {
            r = is_gate(node);
            if (r == 1) {
                Py_DECREF(node);
                return 1;
            }
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(a) && r == 0; i++) {
                PyObject *p = PyTuple_GET_ITEM(a, i);
                if (IS_VALUE(p))
                    r = count_edge(p, s, stash);
            }
        }
        PyObject *b = SLOT(node, off_b);
        if (r == 0 && IS_VALUE(b))
            r = count_edge(b, s, stash);
        Py_DECREF(node);
        if (r < 0)
            return -1;
    }

    /* Pass 2 */
    if (push(s, root) < 0)
        return -1;
    while (s->size) {
        PyObject *node = s->items[--s->size];
        PyObject *g = get_slot(node, off_grad, "grad");
        int r = g == NULL ? -1 : 0;
        Py_XINCREF(g);
        PyObject *a = SLOT(node, off_a);
        if (r == 0 && IS_VALUE(a)) {
            PyObject *da = get_slot(node, off_da, "_da");
            r = da == NULL ? -1 : send_edge(a, da, g, s);
        }
        else if (r == 0 && a != NULL && PyTuple_CheckExact(a)) {
            PyObject *da = get_slot(node, off_da, "_da");
            r = da == NULL ? -1 : send_tuple(a, da, g, s);
        }
        PyObject *b = SLOT(node, off_b);
        if (r == 0 && IS_VALUE(b)) {
            PyObject *db = get_slot(node, off_db, "_db");
            r = db == NULL ? -1 : send_edge(b, db, g, s);
        }
        Py_XDECREF(g);
        Py_DECREF(node);
        if (r < 0)
            return -1;
    }
    return 0;
}

static PyObject *
backward_fast(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "backward_fast(root, seed, stash) takes 3 arguments");
        return NULL;
    }
    if (value_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "backward_fast(): call bind(Value) first");
        return NULL;
    }
    PyObject *root = args[0], *seed = args[1], *stash = args[2];
    if (!IS_VALUE(root) || !PyList_CheckExact(stash)) {
        PyErr_SetString(PyExc_TypeError, "backward_fast(root: Value, seed, stash: list)");
        return NULL;
    }
    Stack s = {NULL, 0, 0};
    int r = run(root, seed, stash, &s);
    clear(&s);
    if (r < 0)
        return NULL;
    return PyBool_FromLong(r == 0);
}

/* ---- node construction ------------------------------------------------------------------ */

/* node(data, op, arg, a, b, da, db): autograd_core.value._node, compiled. A new Value with
 * those slots, grad 0.0, no label, _pending 0. (Python stores each slot through its member
 * descriptor, ~20 ns apiece; here they are ten pointer stores.) */
static PyObject *
new_node(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "node(data, op, arg, a, b, da, db) takes 7 arguments");
        return NULL;
    }
    if (value_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "node(): call bind(Value) first");
        return NULL;
    }
    PyObject *v = value_type->tp_alloc(value_type, 0);
    if (v == NULL)
        return NULL;
    const Py_ssize_t offsets[7] = {off_data, off_op, off_arg, off_a, off_b, off_da, off_db};
    for (int i = 0; i < 7; i++) {
        Py_INCREF(args[i]);
        SLOT(v, offsets[i]) = args[i];
    }
    Py_INCREF(zero_float);
    SLOT(v, off_grad) = zero_float;
    Py_INCREF(Py_None);
    SLOT(v, off_label) = Py_None;
    Py_INCREF(zero_int);
    SLOT(v, off_pending) = zero_int;
    return v;
}

static PyMethodDef methods[] = {
    {"node", (PyCFunction)(void (*)(void))new_node, METH_FASTCALL,
     "node(data, op, arg, a, b, da, db): autograd_core.value._node, compiled."},
    {"bind", (PyCFunction)(void (*)(void))bind, METH_FASTCALL,
     "bind(Value, gate_op): look up the slot offsets of the Value class (once, at import)."},
    {"backward_fast", (PyCFunction)(void (*)(void))backward_fast, METH_FASTCALL,
     "backward_fast(root, seed, stash) -> bool: autograd_core.backward._backward_fast, compiled."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "autograd_core._speedups",
    "The backward pass's hot loop, compiled (see autograd_core/backward.py for the reference).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModule_Create(&module_def);
}
