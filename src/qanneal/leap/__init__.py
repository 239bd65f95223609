"""D-Wave Leap: QPU and hybrid solving with embedding, chain strength, a submissions
ledger that never loses a submission, and an offline mock (``mock-qpu``)."""
