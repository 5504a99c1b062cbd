"""Running the dataflow: the driver, its caches, processes and incremental rematching."""
