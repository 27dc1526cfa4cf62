"""GraphQL documents and the pure functions that parse their answers.

Nothing in this package touches the network: resource flows (``wikijs._flow``) build
an ``Operation`` from a document here, yield it to the
transport, and parse the returned ``data`` with the parsers here. The sync and async
clients share all of it.

Every document is registered in ``wikijs._graphql.documents``; the contract test
validates each one against the real server schema.
"""
