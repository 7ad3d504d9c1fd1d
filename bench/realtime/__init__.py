"""`python -m bench.realtime`: 1,000 Socket.IO clients on one process, and REST-write-to-delivery latency."""
