"""Where the stages run: in this process, a local process pool, or a Dask cluster."""
