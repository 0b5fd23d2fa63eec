"""The analysis pipeline: capture -> packets -> flows -> protocol records -> one document."""
