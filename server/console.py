"""The `redgrid` console script (pyproject.toml): Flask's command group over create_app()."""

from flask.cli import FlaskGroup

from server import create_app


def _create_app(*_args):
    return create_app()


def main() -> None:
    """Entry point of the `redgrid` console script."""
    cli = FlaskGroup(create_app=_create_app, help="红格 Redgrid: community governance PWA server.")
    cli.main(prog_name="redgrid")


if __name__ == "__main__":
    main()
