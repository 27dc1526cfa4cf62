"""The files side: a content directory in, desired pages out. No network.

In: a directory on disk (its ``wikisync.yml``, the generator's own settings, page files,
linked files). Out: a [`SourceResult`][wikisync.local.source.SourceResult]: the
[`LocalPage`][wikisync.plan.model.LocalPage] s and
[`LocalAsset`][wikisync.plan.model.LocalAsset] s the wiki should hold, with every
[`Problem`][wikisync.plan.model.Problem] found on the way.

* ``config``: ``wikisync.yml`` and its defaults;
* ``source``: walking the tree, reading pages, choosing wiki paths;
* ``frontmatter``: splitting a file into its header and content, reading the header safely;
* ``validate``: every offline check at once;
* ``flavors/``: the documentation generators whose trees are read (one module each);
* ``jsliteral``: a generator's JavaScript settings file read as text (its literals), never
  run;
* ``markdown/``: reading Markdown and rewriting what it links to;
* ``transforms/``: content transforms run before a page is digested (built-ins and plugins).

Nothing here imports the wiki side (``wikisync.wiki``), apply or the command line.
"""
