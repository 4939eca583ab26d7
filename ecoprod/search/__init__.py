"""One search box over the documents and people a user may see (issue 13)."""
