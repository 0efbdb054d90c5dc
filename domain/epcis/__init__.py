"""GS1 EPCIS 2.0: the event hash id, the JSON-LD export of the log and the capture of documents."""
