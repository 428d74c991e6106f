"""Entity linking for text without markup: the securities knowledge base, the board vocabulary, and
the context rules that decide what is a mention."""
