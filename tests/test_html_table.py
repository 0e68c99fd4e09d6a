"""The plain HTML tables of ``ui.html_table``: every text escaped, empty cells for None, numbers aligned right."""
from __future__ import annotations

from ui.html_table import html_table


def test_a_table_escapes_the_users_words_and_aligns_numbers():
    table = html_table([{"word": "<b>dog</b>", "attends most to": "a & b", "weight": 0.25},
                        {"word": "cat", "attends most to": "—", "weight": None}])
    assert "<b>dog</b>" not in table and '<th scope="row">&lt;b&gt;dog&lt;/b&gt;</th>' in table
    assert "<td>a &amp; b</td>" in table and '<td class="number">0.25</td>' in table
    assert table.count("<tr>") == 3 and "<td></td>" in table, "a header row, two rows, an empty cell for None"
    assert "<th>attends most to</th>" in table
