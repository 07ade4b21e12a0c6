"""SDK packages generated from the specs in `spec/` by `python -m generator generate`; do not edit.

- `generated.postman`

- `generated.voucherify`
"""
