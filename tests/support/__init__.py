"""What the test rings share: the one way to start ``xinyong serve`` (``server``), to
run the command line (``cli``), to speak to the API (``api``), to find a free port
(``ports``) and to make valid subject identifiers (``identifiers``)."""
