"""Markdown as the files hold it: links read, rewritten to wiki paths and back. Pure.

In: a page's text and where it sits in the tree. Out: the same text with its links
rewritten (``links.rewrite_links``), the problems found in them, and the inverse for pull
(``links.to_relative_links``).
"""
