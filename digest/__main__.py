"""Allows ``python -m digest``; ``run`` is also the installed ``digest`` command."""


def run() -> None:
    """Entry point: Ctrl-C while the command is still being imported exits 130 quietly too."""
    from digest.cli.interrupt import install

    install()
    from digest.cli.app import main

    main()


if __name__ == "__main__":
    run()
