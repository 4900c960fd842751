"""The card vault: card numbers and bank accounts, encrypted with AES-256-GCM under keys with ids, behind
opaque `tok_…` tokens that carry what routing, fees and receipts need (brand, BIN, funding, country, last4).

crypto.py   the keyring: seal and open, key ids, rotation's re-encryption
tokens.py   tokenize, resolve a token or saved method to its summary, reveal the card for one gateway call
methods.py  saved payment methods: a token kept for a customer, with the consent they accepted
"""
