"""Loading archives the user holds (``finnews ingest``, ``finnews extract``): files read and checked,
cleaned and tagged in worker processes, written by the store's bulk writer."""
