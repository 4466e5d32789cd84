"""WeasyPrint's layout of CSS columns, with the columns of each page laid out once less.

To find how high a page's columns are, WeasyPrint 70 lays them out in trials: at the full height of the page, and,
when everything fits, at heights that grow from the average until the columns are balanced. It then lays the
columns out once more, at the height found, to make the final boxes. Its last trial, when it was at that height,
holds those same boxes: here they are moved to their place across the page and used, instead of being laid out
again. On the shipped sheets that saves 56 of the 250 columns WeasyPrint lays out, about 8 % of a sheet's layout;
the PDFs are byte for byte those of WeasyPrint's own layout.

The last trial is used only when the final layout could not give other boxes:
- nothing it did is left in the layout context for the final layout to redo: no float, footnote, note or running
  element among its boxes, no float beside the columns (the trials lay every column out at the first one's place);
  the text runs left to right, no height is set on the columns, and the trial laid out every column the final
  layout would;
- it kept the absolutely positioned boxes it placed (outside list markers), as the final layout does;
- WeasyPrint lays its trials out as if they began a page (`page_is_empty`) or not, as the final layout may not:
  where the two differ, `_page_is_empty_unused` checks that the flag cannot have decided anything in the trial.
Otherwise the columns are laid out once more, as WeasyPrint does.

The change is made to WeasyPrint's own `columns_layout` (weasyprint/layout/column.py; BSD 3-Clause licensed,
Copyright (c) 2011-2021, Simon Sapin and contributors), as the edits below, each of which must find its text
exactly once: on a version whose code differs, `install` raises rather than lay columns out in a way nobody tested.
"""

from __future__ import annotations

import inspect
import linecache
from typing import Any

NAME = "<weasyprint columns_layout, as knowledge_bites/printing/multicolumn.py changes it>"

# (WeasyPrint's text, what replaces it); the text keeps WeasyPrint's indentation.
EDITS = (
    (  # what a trial needs to stand as the final columns
        """\
            column_skip_stack = skip_stack
            consumed_heights = []
            new_boxes = []
""",
        """\
            column_skip_stack = skip_stack
            consumed_heights = []
            new_boxes = []
            trial_bottom_space = context.page_bottom - current_position_y - height
            trial_ends = []
            trial_absolute, trial_fixed = [], []
""",
    ),
    (  # the absolutely positioned boxes of each trial kept, as the final layout keeps them
        """\
                    column_skip_stack, containing_block,
                    page_is_empty or not balancing, [], [], [], first_letter_style,
                    first_line_style, discard=False, max_lines=None)""",
        """\
                    column_skip_stack, containing_block,
                    page_is_empty or not balancing, trial_absolute, trial_fixed, [],
                    first_letter_style, first_line_style, discard=False,
                    max_lines=None)""",
    ),
    (
        """\
                new_boxes.append(new_box)
                column_skip_stack = resume_at
""",
        """\
                new_boxes.append(new_box)
                trial_ends.append((resume_at, next_page))
                column_skip_stack = resume_at
""",
    ),
    (  # whether the trial left anything that a final layout would set otherwise
        """\
            remove_placeholders(context, new_boxes, [], [])

            if last_loop:""",
        """\
            trial_page_is_empty = page_is_empty or not balancing
            traceless = not context.excluded_shapes and _leaves_no_trace(
                context, new_boxes)
            remove_placeholders(context, new_boxes, [], [])

            if last_loop:""",
    ),
    (  # the last trial, when it was at the height found, as the final columns
        """\
        columns = []
        while True:
            column_box = _create_column_box(""",
        """\
        columns = []
        reused = (
            traceless and bool(new_boxes) and bottom_space == trial_bottom_space
            and (trial_ends[-1][0] is None or len(new_boxes) == count)
            and style['direction'] != 'rtl' and not height_defined
            and (trial_page_is_empty == original_page_is_empty or _page_is_empty_unused(
                context, new_boxes, trial_ends, column_children,
                trial_bottom_space)))
        if reused:
            for i, new_child in enumerate(new_boxes):
                new_child.translate(i * (width + gap), 0)
                columns.append(new_child)
                max_column_height = max(
                    max_column_height, new_child.margin_height())
            absolute_boxes.extend(trial_absolute)
            fixed_boxes.extend(trial_fixed)
            skip_stack = column_skip_stack = trial_ends[-1][0]
            next_page = trial_ends[-1][1]
            if skip_stack is None:
                bottom_space = original_bottom_space
        while not reused:
            column_box = _create_column_box(""",
    ),
)


class ColumnsChangedError(Exception):
    """WeasyPrint's column layout is not the code these edits were written for (engine.py tells it as a version the
    code was not tested with)."""


def _leaves_no_trace(context: Any, boxes: list[Any]) -> bool:
    """Tell whether laying these boxes out left nothing in the layout context that laying the same boxes out in
    another place would set otherwise: no float, footnote, note or running element, nothing broken out of flow."""
    todo = list(boxes)
    while todo:
        box = todo.pop()
        if box.footnote or box.note or box.is_floated() or box.is_running() or box in context.broken_out_of_flow:
            return False
        todo.extend(getattr(box, "children", ()))
    return True


def changed_columns_layout() -> Any:
    """Return WeasyPrint's columns_layout with the edits made; raise ColumnsChangedError if one does not apply."""
    from weasyprint.layout import column

    source = inspect.getsource(column.columns_layout)
    for old, new in EDITS:
        if source.count(old) != 1:
            first = old.strip().splitlines()[0].strip()
            raise ColumnsChangedError(
                f"WeasyPrint's column layout is not the code printing/multicolumn.py changes (it has no '{first}')"
            )
        source = source.replace(old, new)
    # The function's own imports are relative to WeasyPrint's layout package.
    source = source.replace("from .block import", "from weasyprint.layout.block import")
    linecache.cache[NAME] = (len(source), None, source.splitlines(keepends=True), NAME)  # tracebacks show its lines
    namespace = {**vars(column), "_leaves_no_trace": _leaves_no_trace, "_page_is_empty_unused": _page_is_empty_unused}
    exec(compile(source, NAME, "exec"), namespace)  # WeasyPrint's own code, with the edits above
    return namespace["columns_layout"]


def install() -> None:
    """Lay CSS columns out with the changed columns_layout, in this process (WeasyPrint's block layout calls it)."""
    from weasyprint.layout import block

    if getattr(block.columns_layout, "__code__", None) is None or block.columns_layout.__code__.co_filename != NAME:
        block.columns_layout = changed_columns_layout()


def _page_is_empty_unused(
    context: Any, columns: list[Any], ends: list[tuple[Any, Any]], children: list[Any], bottom_space: float
) -> bool:
    """Tell whether laying these columns out as if they began a page, or as if they did not, gives the same boxes.

    In WeasyPrint 70, `page_is_empty` decides for the first box of a column, and for the first box of that box and
    so on: whether it goes in although it does not fit, may break with fewer lines than `orphans` or `widows`, or
    inside although `break-inside: avoid`. For the boxes of a column: whether a break that they all avoid is taken
    anyway. Past page 1, whether the top margins of those boxes, and of the boxes directly inside each of them, are
    dropped. None of that can have decided when each column's first box ended in it, nothing ran below the column,
    each column broke inside a box or where a break is allowed, and, past page 1, no box concerned has a top
    margin.
    """
    from weasyprint.layout.block import avoid_page_break, block_level_page_break

    for column, (resume_at, _) in zip(columns, ends, strict=True):
        flow = _in_flow(column)
        if not flow or (len(flow) == 1 and resume_at is not None):  # its first box did not end in it
            return False
        if context.overflows_page(bottom_space, column.position_y + column.margin_height()):
            return False
        if resume_at is not None:
            ((index, inside),) = resume_at.items()
            between = inside is None and 0 < index < len(children)  # a break between two of the boxes they hold
            if between and avoid_page_break(block_level_page_break(children[index - 1], children[index]), context):
                return False
        if context.current_page > 1:
            concerned, box = list(flow), flow[0]
            while box is not None:  # the column's first box, its first box, and so on, with the boxes inside each
                inside_box = _in_flow(box)
                concerned += inside_box
                box = inside_box[0] if inside_box else None
            if any(_top_margin(box) for box in concerned):
                return False
    return True


def _in_flow(box: Any) -> list[Any]:
    return [child for child in getattr(box, "children", ()) if child.is_in_normal_flow()]


def _top_margin(box: Any) -> bool:
    margin = box.style["margin_top"]
    return margin == "auto" or getattr(margin, "value", 0) != 0
