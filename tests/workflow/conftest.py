from tests.dossiers.conftest import _media, applicant, centre, procedure, receiver  # noqa: F401  (shared fixtures)
