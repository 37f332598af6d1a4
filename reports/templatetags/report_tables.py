"""Report tables written in one pass: a report page holds hundreds of cells, and the
template engine's loops cost more than the figures behind them."""

from html import escape

from django import template
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def report_table(context, table, export_base: str = "") -> SafeString:
    """A table with its caption, header, a row heading per row, note and downloads."""
    header = format_html_join("", '<th scope="col">{}</th>', ((h,) for h in table.header))
    if table.rows:
        body = mark_safe(  # noqa: S308 - every cell is escaped here
            "".join(
                f'<tr><th scope="row">{escape(str(row[0]))}</th>'
                + "".join(f"<td>{escape(str(cell))}</td>" for cell in row[1:])
                + "</tr>"
                for row in table.rows
            )
        )
    else:
        body = format_html(
            '<tr><td colspan="{}">Nothing to count in this period.</td></tr>', len(table.header)
        )
    html = format_html(
        '<div class="table-responsive">\n<table class="table table-sm report-table '
        'report-table-{}">\n'
        "  <caption>{}</caption>\n  <thead><tr>{}</tr></thead>\n  <tbody>{}</tbody>\n"
        "</table>\n</div>\n",
        table.key,
        table.title,
        header,
        body,
    )
    if table.note:
        html += format_html('<p class="small">{}</p>', table.note)
    if export_base:
        query = context.get("query")
        suffix = f"?{query}" if query else ""
        html += format_html(
            '<p class="small d-print-none">Download: <a href="{}{}.csv{}">CSV<span '
            'class="visually-hidden"> of {}</span></a> · <a href="{}{}.xlsx{}">Excel<span '
            'class="visually-hidden"> of {}</span></a></p>',
            export_base,
            table.key,
            suffix,
            table.title,
            export_base,
            table.key,
            suffix,
            table.title,
        )
    return html


def _items(rows) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped by the caller


def _first_words(text: str, count: int) -> str:
    """The first words of a text, as the truncatewords filter gives them."""
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


@register.simple_tag
def overdue_items(links) -> SafeString:
    """The overdue reviews list: each person's link, the due date and what matters."""

    def due(day) -> str:
        # The date filter's "j M Y", without its per-call set-up (45 dates a page).
        return f"{day.day} {MONTHS_3[day.month].title()} {day.year}"

    return _items(
        f'<li><a href="{escape(url)}">{escape(o.full_name)}</a>: due '
        f"{due(o.next_review_on)}, "
        f"“{escape(_first_words(o.what_matters, 8))}”</li>"
        for url, o in links
    )


@register.simple_tag
def person_items(links) -> SafeString:
    return _items(f'<li><a href="{escape(url)}">{escape(p.full_name)}</a></li>' for url, p in links)


@register.simple_tag
def narrative_items(narrative_links, narrative_url: str) -> SafeString:
    """Per framework outcome, a link to the narrative behind each band's count."""
    return _items(
        f"<li>{escape(name)}: "
        + ", ".join(
            f'<a href="{escape(narrative_url)}?{escape(params)}">{n} {escape(label.lower())}</a>'
            for label, n, params in links
        )
        + "</li>\n"
        for name, links in narrative_links
    )


@register.simple_tag
def theme_items(themes, narrative_url: str, query: str) -> SafeString:
    """Each theme with links to the reviews where it helped and where it got in the way."""
    period = escape(f"&{query}") if query else ""

    def link(theme, kind: str, text: str) -> str:
        href = f"{narrative_url}?theme={theme['id']}&kind={kind}"
        return f'<a href="{escape(href)}{period}">{text} {theme[kind]}</a>'

    def item(theme) -> str:
        links = []
        if theme["helped"]:
            links.append(link(theme, "helped", "helped in"))
        if theme["hindered"]:
            links.append(link(theme, "hindered", "got in the way in"))
        return f"<li>{escape(theme['name'])}: {' · '.join(links)}</li>\n"

    return _items(item(theme) for theme in themes)
