"""Whole builds: the cache, the runners (serial, local pool, Dask) giving one digest, scale, seeds."""
