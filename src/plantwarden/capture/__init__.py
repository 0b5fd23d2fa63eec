"""Capture readers: pcap, pcapng (either gzip-compressed), stdin and live child processes."""
