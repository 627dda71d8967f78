"""The words of the pages, in Chinese and English: the ones every page shares (``common``) and each
page's own; ``web.render`` merges them for a template as ``t``."""
