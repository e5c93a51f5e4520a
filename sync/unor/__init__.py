"""Units (unor) and who supervises whom: the unit tree from SIASN's ref-unor (``tree``), the
index a person's area and the unit picker read (``index``), supervisors derived from the tree
and the positions (``supervision``), and a unit claimed by a local record (``claims``)."""
