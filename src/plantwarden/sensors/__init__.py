"""Sensors: analyse at the plant, queue in the local store's outbox, push to the central.

A sensor's store (:mod:`.identity`) queues everything its analysis stores that the central
needs (:mod:`.outbox`); :mod:`.push` sends it in batches through a transport (:mod:`.transport`:
HTTPS) and forgets an item only once the central acknowledged it; the central applies a batch
with :func:`.ingest.apply_batch`, idempotent by (sensor, sequence). Air-gapped plants carry
signed bundles instead (:mod:`.bundle`). The protocol: docs/sensors.md.
"""
