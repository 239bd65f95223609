"""Data sources for learning problems: each returns a :class:`Dataset`.

Sources (the ``source`` field of the result):

``random``
    The storage (capacity) problem: i.i.d. ±1 patterns with i.i.d. ±1 labels.
``teacher``
    The teacher-student problem: i.i.d. ±1 patterns labelled by a random ±1 teacher
    network, evaluated with a caller-supplied prediction function.
``synthetic2d``
    Two Gaussian clouds in the plane (the 2-D experiment of Kulikovskikh and Legović).
``digits``
    Two classes of scikit-learn's bundled 8x8 hand-written digits, reduced to a few
    features and binarised to ±1 (needs the optional extra ``qanneal[data]``).
``file``
    A user's CSV or NPZ file.

Every source takes a ``seed`` and is exactly reproducible from it: all randomness comes
from one ``numpy.random.default_rng(seed)``. Inputs are float64 arrays of shape (P, N),
labels int8 arrays of shape (P,) with values in {-1, +1}. A held-out test set is
present when ``test_fraction > 0``; any positive fraction holds out at least one pattern.
Bad arguments and bad files raise :class:`qanneal.errors.DataError` with a one-line
message naming the argument, file, line or value at fault.

Example:
    >>> data = random_patterns(5, 8, seed=1, test_fraction=0.2)
    >>> data.num_patterns, data.num_inputs, data.num_test, data.binary_inputs
    (8, 5, 2, True)
"""

from qanneal.models.datasets.core import Dataset, LabelFn
from qanneal.models.datasets.digits import digits
from qanneal.models.datasets.files import from_file
from qanneal.models.datasets.generated import (
    held_out_count,
    random_patterns,
    synthetic2d,
    teacher_patterns,
)

__all__ = [
    "Dataset",
    "LabelFn",
    "digits",
    "from_file",
    "held_out_count",
    "random_patterns",
    "synthetic2d",
    "teacher_patterns",
]
