//! `gazette serve`: preview server, watcher, incremental rebuilds, live reload.
