"""Qt-free QR scanning: frame sources, decoders, capture worker, demo frames."""
