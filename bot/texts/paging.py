"""The shared pager's words: every list that can grow pages with these buttons."""

PREVIOUS = "Previous"
NEXT = "Next"
FOOTER = "-# Page {page} of {pages}"
