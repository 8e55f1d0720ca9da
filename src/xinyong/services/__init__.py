"""The service layer: one use case each (intake, inquiries, reports, publication, due
process, erasure, catalogs, delivery), over the domain and the storage adapter."""
