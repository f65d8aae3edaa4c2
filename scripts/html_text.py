"""The prose of a folder of HTML pages as plain text, for the built-in model's corpus (scripts/train-english.sh).

Pages are read in the order of their paths, SQLite's index and cross-reference pages left out by name (LEFT_OUT:
their text is lists of names), script and style dropped, block elements made line breaks and runs of spaces one space. A paragraph (a run
of lines between blank lines) is written once, the first time it occurs: the navigation every page repeats, and a
page that copies another, then add nothing.

Usage: python3 scripts/html_text.py FOLDER > TEXT
"""
import html.parser
import pathlib
import re
import sys

BLOCKS = {'p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'pre', 'blockquote', 'dt', 'dd',
          'table', 'ul', 'ol'}
LEFT_OUT = re.compile(r'crossref|keyword_index|requirements|capi3ref|toc|sitemap|doclist')


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ('script', 'style')
        if tag in BLOCKS:
            self.parts.append('\n')

    def handle_endtag(self, tag):
        self.hidden -= tag in ('script', 'style')
        if tag in BLOCKS:
            self.parts.append('\n')

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def page_text(path):
    parser = Text()
    parser.feed(path.read_text(encoding='utf-8', errors='replace'))
    lines = [re.sub(r'[ \t\xa0]+', ' ', line).strip() for line in ''.join(parser.parts).split('\n')]
    return '\n'.join(lines)


seen = set()
paragraphs = []
for page in sorted(pathlib.Path(sys.argv[1]).rglob('*.html')):
    if LEFT_OUT.search(page.name):
        continue
    for paragraph in re.split(r'\n\s*\n', page_text(page)):
        paragraph = paragraph.strip()
        if paragraph and paragraph not in seen:
            seen.add(paragraph)
            paragraphs.append(paragraph)
sys.stdout.write('\n\n'.join(paragraphs) + '\n')
