"""The platform operator's pages: the schools of the network with their activity, read across
every school at once (each query says so with ``all_schools``). It sits above every domain
(it adds up their figures) and below none."""
