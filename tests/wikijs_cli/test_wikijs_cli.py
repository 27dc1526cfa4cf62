"""The ``wikijs`` command against the emulator: every command, as text and as ``--json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from wikijs import __version__
from wikijs.cli import app
from wikijs.testing import Fault, WikiJSEmulator
from wikisync.local.config import Config
from wikisync.local.source import load_source


class Cli:
    """Runs ``wikijs`` with the emulator's credentials in the environment."""

    def __init__(self, emu: WikiJSEmulator) -> None:
        self.emu = emu
        self.env = {"WIKIJS_URL": emu.url, "WIKIJS_API_KEY": emu.api_key}
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str] | None = None, **kw: Any) -> Result:
        return self.runner.invoke(app, list(args), env=self.env if env is None else env, **kw)

    def ok(self, *args: str, **kw: Any) -> Result:
        result = self(*args, **kw)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str, **kw: Any) -> Any:
        """Run with ``--json``: stdout must be exactly one JSON document."""
        return json.loads(self.ok(*args, "--json", **kw).stdout)


@pytest.fixture
def emu() -> Iterator[WikiJSEmulator]:
    with WikiJSEmulator() as emulator:
        yield emulator


@pytest.fixture
def cli(emu: WikiJSEmulator) -> Cli:
    return Cli(emu)


class TestPages:
    def test_list(self, cli: Cli, emu: WikiJSEmulator) -> None:
        emu.add_page("docs/b", "# B", title="Bee", tags=["ops"])
        emu.add_page("docs/a", "# A", title="Ay")
        listed = cli.json("pages", "list")
        assert [(p["path"], p["title"]) for p in listed] == [("docs/a", "Ay"), ("docs/b", "Bee")]
        assert [p["path"] for p in cli.json("pages", "list", "--tag", "ops")] == ["docs/b"]
        text = cli.ok("pages", "list").stdout.splitlines()
        assert text[0].split("\t") == ["id", "locale", "path", "title", "published", "updated"]
        assert text[1].split("\t")[2:4] == ["docs/a", "Ay"]

    def test_get_by_id_and_by_path(self, cli: Cli, emu: WikiJSEmulator) -> None:
        page_id = emu.add_page("docs/get", "# Get\n\nbody", title="Get")
        assert cli.json("pages", "get", str(page_id))["content"] == "# Get\n\nbody"
        assert cli.json("pages", "get", "docs/get")["id"] == page_id
        text = cli.ok("pages", "get", "/en/docs/get/").stdout
        assert "title\tGet" in text and text.endswith("# Get\n\nbody\n")
        assert cli.json("pages", "get", "en/docs/get")["id"] == page_id
        french = emu.add_page("docs/get", "# Fr", locale="fr", title="Fr")
        assert cli.json("pages", "get", "/fr/docs/get")["id"] == french
        assert cli.json("pages", "get", "docs/get", "--locale", "fr")["id"] == french
        wrong = cli("pages", "get", "/docs/get")
        assert wrong.exit_code == 1
        assert "'/<locale>/<path>'" in wrong.stderr and "'docs' is not a locale" in wrong.stderr
        missing = cli("pages", "get", "/en/docs/nope")
        assert missing.exit_code == 1 and "no page at /en/docs/nope" in missing.stderr

    def test_create_from_a_file_and_from_stdin(
        self, cli: Cli, emu: WikiJSEmulator, tmp_path: Path
    ) -> None:
        source = tmp_path / "setup.md"
        source.write_text("# Setup\n", encoding="utf-8")
        created = cli.json(
            "pages", "create", "docs/setup", "--file", str(source), "--title", "Setup",
            "--tag", "Ops", "--unpublished",
        )  # fmt: skip
        record = emu.page(created["id"])
        assert (record["content"], record["title"], record["isPublished"]) == (
            "# Setup\n",
            "Setup",
            False,
        )
        assert created["tags"] == ["ops"]
        piped = cli.ok("pages", "create", "docs/piped", "--file", "-", input="# Piped\n")
        assert piped.stdout == ""  # messages go to stderr
        assert "Created page" in piped.stderr
        assert emu.find_page("docs/piped", "en")["content"] == "# Piped\n"  # type: ignore[index]

    def test_create_refuses_a_path_the_ui_cannot_open(self, cli: Cli, emu: WikiJSEmulator) -> None:
        result = cli("pages", "create", "login", "--content", "# x")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ")
        assert emu.log.writes() == []

    def test_update_changes_only_what_is_given(self, cli: Cli, emu: WikiJSEmulator) -> None:
        page_id = emu.add_page("docs/up", "# Up", title="Up", tags=["keep"], description="d")
        updated = cli.json("pages", "update", str(page_id), "--title", "Up v2", "--unpublished")
        assert (updated["title"], updated["is_published"]) == ("Up v2", False)
        record = emu.page(page_id)
        assert (record["content"], record["description"]) == ("# Up", "d")
        assert cli.json("pages", "get", str(page_id))["tags"] == ["keep"]
        nothing = cli("pages", "update", str(page_id))
        assert nothing.exit_code == 1 and "nothing to change" in nothing.stderr

    def test_move_and_delete(self, cli: Cli, emu: WikiJSEmulator) -> None:
        page_id = emu.add_page("docs/old", "# Old")
        moved = cli.json("pages", "move", str(page_id), "docs/new")
        assert (moved["moved"], moved["path"]) == (page_id, "docs/new")
        refused = cli("pages", "delete", str(page_id))
        assert refused.exit_code == 1 and "--yes" in refused.stderr
        assert emu.find_page("docs/new", "en") is not None
        assert cli.json("pages", "delete", str(page_id), "--yes") == {
            "deleted": page_id,
            "locale": "en",
            "path": "docs/new",
        }
        assert emu.find_page("docs/new", "en") is None

    def test_tree_path_lists_the_contents_of_that_folder(
        self, cli: Cli, emu: WikiJSEmulator
    ) -> None:
        for path in ("handbook/guides/a", "handbook/guides/b", "handbook/x", "other"):
            emu.add_page(path, f"# {path}", title=path)
        listed = cli.json("pages", "tree", "--path", "handbook/guides")
        assert [n["path"] for n in listed] == ["handbook/guides/a", "handbook/guides/b"]
        top = cli.json("pages", "tree", "--path", "handbook", "--mode", "folders")
        assert [n["path"] for n in top] == ["handbook/guides"]
        assert [n["path"] for n in cli.json("pages", "tree", "--path", "/handbook/")] == [
            "handbook/guides",
            "handbook/x",
        ]
        missing = cli("pages", "tree", "--path", "handbook/nope")
        assert missing.exit_code == 1 and "no folder 'handbook/nope'" in missing.stderr

    def test_tree_search_and_history(self, cli: Cli, emu: WikiJSEmulator) -> None:
        page_id = emu.add_page("guide/install", "# Install docker", title="Install")
        tree = cli.json("pages", "tree")
        assert {(n["path"], n["is_folder"]) for n in tree} >= {("guide", True)}
        hits = cli.json("pages", "search", "Install")
        assert [r["id"] for r in hits["results"]] == [page_id]
        cli.ok("pages", "update", str(page_id), "--title", "Installing")
        history = cli.json("pages", "history", str(page_id))
        assert history["total"] >= 1 and history["trail"][0]["version_id"] > 0
        assert "version\taction" in cli.ok("pages", "history", str(page_id)).stdout


class TestAssets:
    def test_upload_list_download_delete(
        self, cli: Cli, emu: WikiJSEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        logo = tmp_path / "Logo File.PNG"
        logo.write_bytes(b"\x89PNG\r\n\x1a\nlogo")
        [uploaded] = cli.json("assets", "upload", str(logo), "--folder", "handbook/images")
        assert uploaded["filename"] == "logo_file.png"
        assert uploaded["url"] == "/handbook/images/logo_file.png"

        listed = cli.json("assets", "list", "--folder", "handbook/images")
        assert [a["filename"] for a in listed["assets"]] == ["logo_file.png"]
        root = cli.json("assets", "list")
        assert [f["slug"] for f in root["folders"]] == ["handbook"]
        missing = cli("assets", "list", "--folder", "nowhere")
        assert missing.exit_code == 1 and "no asset folder" in missing.stderr

        monkeypatch.chdir(tmp_path)
        got = cli.json("assets", "download", "/handbook/images/logo_file.png")
        assert got == {
            "path": "/handbook/images/logo_file.png",
            "output": "logo_file.png",
            "bytes": 12,
        }
        assert (tmp_path / "logo_file.png").read_bytes() == logo.read_bytes()
        raw = cli.ok("assets", "download", "handbook/images/logo_file.png", "--output", "-")
        assert raw.stdout_bytes == logo.read_bytes()

        assert cli.json("assets", "delete", str(uploaded["id"]), "--yes") == {
            "deleted": uploaded["id"]
        }
        assert emu.asset("/handbook/images/logo_file.png") is None


class TestAccounts:
    def test_users_groups_and_info(self, cli: Cli, emu: WikiJSEmulator) -> None:
        users = cli.json("users", "list")
        assert emu.admin_email in [u["email"] for u in users]
        groups = cli.json("groups", "list")
        assert {"Administrators", "Guests"} <= {g["name"] for g in groups}
        info = cli.json("info")
        assert info["user"]["email"] == emu.admin_email
        assert info["system"]["current_version"] == "2.5.314"
        assert info["url"] == emu.url
        assert "version\t2.5.314" in cli.ok("info").stdout
        assert "email" in cli.ok("users", "list").stdout.splitlines()[0]
        assert "users" in cli.ok("groups", "list").stdout.splitlines()[0]


class TestExport:
    def test_md_files_load_back_with_wikisync(
        self, cli: Cli, emu: WikiJSEmulator, tmp_path: Path
    ) -> None:
        emu.add_page(
            "guide/setup", "# Setup\n\nRun it.\n", title="Setup: the basics", tags=["a", "b"]
        )
        emu.add_page("guide/web", "<h1>Web</h1><p>x</p>", title="Web", editor="ckeditor")
        emu.add_page("guide/setup", "# Installer\n", title="Installer", locale="fr")
        emu.add_page("draft", "# Draft\n", title="Draft", is_published=False, description="wip")
        out = tmp_path / "docs"
        summary = cli.json("export", "pages", "--format", "md", "--output", str(out))
        assert sorted(f["file"] for f in summary["files"]) == [
            "draft.md",
            "fr/guide/setup.md",
            "guide/setup.md",
            "guide/web.html",
        ]
        assert (out / "guide/web.html").read_text().startswith("<!--\ntitle: Web\n")

        loaded = load_source(out, Config(locale="en", locales=("en", "fr")))
        assert not loaded.has_errors, loaded.problems
        pages = {(p.locale, p.path): p for p in loaded.pages}
        setup = pages[("en", "guide/setup")]
        assert setup.fields.title == "Setup: the basics"
        assert setup.fields.tags == ("a", "b")
        assert setup.content.strip() == "# Setup\n\nRun it."
        assert pages[("fr", "guide/setup")].fields.title == "Installer"
        assert pages[("en", "guide/web")].fields.editor == "ckeditor"
        draft = pages[("en", "draft")]
        assert (draft.fields.is_published, draft.fields.description) == (False, "wip")
        assert pages[("en", "guide/setup")].fields.editor == "markdown"

    def test_paths_that_leave_the_output_dir_are_refused(
        self, cli: Cli, emu: WikiJSEmulator, tmp_path: Path
    ) -> None:
        emu.add_page("ok/page", "# OK")
        # The API refuses such paths; pages stored another way (a storage import) may not.
        emu.edit_page(emu.add_page("x", "# Out"), path="../escape")
        emu.edit_page(emu.add_page("y", "# Out"), path="a/../../escape2")
        out = tmp_path / "out"
        result = cli("export", "pages", "--format", "md", "--output", str(out))
        assert result.exit_code == 1
        assert "2 page(s) not exported" in result.stderr
        assert (out / "ok/page.md").is_file()
        assert sorted(p.name for p in tmp_path.rglob("*.md")) == ["page.md"]

    def test_a_symlink_out_of_the_output_dir_is_not_followed(
        self, cli: Cli, emu: WikiJSEmulator, tmp_path: Path
    ) -> None:
        emu.add_page("linked/page", "# Linked")
        outside = tmp_path / "outside"
        outside.mkdir()
        out = tmp_path / "out"
        out.mkdir()
        (out / "linked").symlink_to(outside, target_is_directory=True)
        result = cli("export", "pages", "--format", "md", "--output", str(out))
        assert result.exit_code == 1 and "leaves" in result.stderr
        assert list(outside.iterdir()) == []

    @pytest.mark.parametrize("fmt", ["json", "yaml"])
    def test_json_and_yaml(self, cli: Cli, emu: WikiJSEmulator, tmp_path: Path, fmt: str) -> None:
        import yaml

        emu.add_page("ops/a", "# A", tags=["ops"])
        emu.add_page("dev/b", "# B")
        target = tmp_path / f"export.{fmt}"
        summary = cli.json(
            "export", "pages", "--format", fmt, "--output", str(target), "--prefix", "ops"
        )
        assert summary == {"format": fmt, "output": str(target), "pages": 1}
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
        assert [(p["path"], p["content"]) for p in data] == [("ops/a", "# A")]
        into_dir = cli.json("export", "pages", "--format", fmt, "--output", str(tmp_path))
        assert into_dir["output"] == str(tmp_path / f"pages.{fmt}")
        assert into_dir["pages"] == 2

    def test_json_with_yaml_on_stdout_is_refused_before_any_request(
        self, cli: Cli, emu: WikiJSEmulator
    ) -> None:
        emu.add_page("ops/a", "# A")
        emu.log.reset()
        result = cli("export", "pages", "--format", "yaml", "--json")
        assert result.exit_code == 1 and result.stdout == ""
        assert "--json" in result.stderr and "--format yaml" in result.stderr
        assert emu.log.operations() == []
        # --format json --json is one choice said twice
        assert [p["path"] for p in cli.json("export", "pages", "--format", "json")] == ["ops/a"]

    def test_json_to_stdout_uses_batched_reads(self, cli: Cli, emu: WikiJSEmulator) -> None:
        for i in range(60):
            emu.add_page(f"bulk/{i}", f"# {i}")
        emu.log.reset()
        result = cli.ok("export", "pages")
        pages = json.loads(result.stdout)
        assert sorted(p["content"] for p in pages) == sorted(f"# {i}" for i in range(60))
        assert emu.log.count("pages.list") == 1
        assert emu.log.count(kind="query") == 4  # profile check, list, 2 batches of reads


class TestConventions:
    def test_a_terminal_gets_a_rich_table(self, cli: Cli, emu: WikiJSEmulator) -> None:
        emu.add_page("docs/tty", "# TTY", title="On a terminal")
        env = {**cli.env, "TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "120"}
        result = cli.ok("pages", "list", env=env)
        assert "┏━━" in result.stdout and "On a terminal" in result.stdout
        assert "\t" not in result.stdout

    def test_raw_output_and_json_exclude_each_other(self, cli: Cli, tmp_path: Path) -> None:
        (tmp_path / "x.png").write_bytes(b"\x89PNG")
        cli.ok("assets", "upload", str(tmp_path / "x.png"))
        result = cli("assets", "download", "/x.png", "--output", "-", "--json")
        assert result.exit_code == 1 and "pick one" in result.stderr
        assert result.stdout == ""

    def test_version(self, cli: Cli) -> None:
        assert cli.ok("--version").stdout == f"wikijs {__version__}\n"

    @pytest.mark.parametrize(
        "command",
        [
            ["pages", "list"], ["pages", "get"], ["pages", "create"], ["pages", "update"],
            ["pages", "delete"], ["pages", "move"], ["pages", "tree"], ["pages", "search"],
            ["pages", "history"], ["assets", "list"], ["assets", "upload"],
            ["assets", "download"], ["assets", "delete"], ["users", "list"],
            ["groups", "list"], ["export", "pages"], ["info"],
        ],
        ids=" ".join,
    )  # fmt: skip
    def test_every_command_has_help_with_examples_and_the_common_options(
        self, cli: Cli, command: list[str]
    ) -> None:
        text = cli.ok(*command, "--help", env={}).stdout
        assert "Examples" in text
        assert f"wikijs {' '.join(command)}" in text
        for option in ("--json", "--url", "--debug"):
            assert option in text

    def test_missing_credentials_are_named(self, cli: Cli) -> None:
        result = cli("pages", "list", env={"WIKIJS_URL": cli.emu.url})
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: set WIKIJS_API_KEY, or WIKIJS_USERNAME and WIKIJS_PASSWORD, to authenticate\n"
        )
        assert result.stdout == ""

    def test_url_overrides_the_environment(self, cli: Cli, emu: WikiJSEmulator) -> None:
        env = {"WIKIJS_URL": "http://127.0.0.1:9", "WIKIJS_API_KEY": emu.api_key}
        assert cli.json("info", "--url", emu.url, env=env)["url"] == emu.url

    def test_a_login_from_the_environment(self, cli: Cli, emu: WikiJSEmulator) -> None:
        env = {
            "WIKIJS_URL": emu.url,
            "WIKIJS_USERNAME": emu.admin_email,
            "WIKIJS_PASSWORD": emu.admin_password,
        }
        assert cli.json("info", env=env)["user"]["email"] == emu.admin_email

    def test_a_bad_key_is_one_error_line_without_the_key(
        self, cli: Cli, emu: WikiJSEmulator
    ) -> None:
        key = "eyJhbGciOiJSUzI1NiJ9.eyJzZWNyZXQiOjF9.c2VjcmV0LXNpZ25hdHVyZQ"
        result = cli("pages", "list", env={"WIKIJS_URL": emu.url, "WIKIJS_API_KEY": key})
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        assert "Guest" in result.stderr
        assert key not in result.stderr + result.stdout

    def test_debug_logs_requests_and_lets_the_error_through(
        self, cli: Cli, emu: WikiJSEmulator
    ) -> None:
        emu.faults.add(Fault(kind="status", status=500, operation="pages.single"))
        result = cli("pages", "get", "1", "--debug")
        assert result.exit_code == 1
        assert type(result.exception).__name__ == "ServerError"
        assert "pages.get" in result.stderr  # one log line per request
        assert emu.api_key not in result.stderr


class TestNavigation:
    MENU = [
        {
            "locale": "en",
            "items": [
                {"id": "h", "kind": "header", "label": "Handbook", "icon": "", "targetType": "",
                 "target": "", "visibilityMode": "all", "visibilityGroups": []},
                {"id": "l", "kind": "link", "label": "Install", "icon": "mdi-download",
                 "targetType": "page", "target": "/en/handbook/install", "visibilityMode": "all",
                 "visibilityGroups": None},
            ],
        },
        {"locale": "fr", "items": [{"id": "d", "kind": "divider", "label": None, "icon": None,
                                    "targetType": None, "target": None, "visibilityMode": "all",
                                    "visibilityGroups": []}]},
    ]  # fmt: skip

    def set_menu(self, emu: WikiJSEmulator) -> None:
        from wikijs import WikiJSClient

        with WikiJSClient(emu.url, api_key=emu.api_key) as client:
            client.navigation.update_tree(self.MENU)

    def test_show(self, cli: Cli, emu: WikiJSEmulator) -> None:
        self.set_menu(emu)
        assert cli.json("navigation", "show") == self.MENU
        assert cli.json("navigation", "show", "--locale", "fr") == self.MENU[1:]
        lines = cli.ok("navigation", "show").stdout.splitlines()
        assert lines[0].split("\t") == ["locale", "id", "kind", "label", "target"]
        assert lines[2].split("\t") == ["en", "l", "link", "Install", "page:/en/handbook/install"]
        missing = cli("navigation", "show", "--locale", "de")
        assert missing.exit_code == 1
        assert "no 'de' locale" in missing.stderr and "en, fr" in missing.stderr

    def test_mode(self, cli: Cli) -> None:
        assert cli.json("navigation", "mode") == {"mode": "MIXED", "shows_menu": True}
        assert cli.json("navigation", "mode", "tree") == {"mode": "TREE", "shows_menu": False}
        bad = cli("navigation", "mode", "sideways")
        assert bad.exit_code == 1 and "use one of NONE, TREE, MIXED, STATIC" in bad.stderr

    def test_export_round_trips_through_update_tree(
        self, cli: Cli, emu: WikiJSEmulator, tmp_path: Path
    ) -> None:
        from wikijs import WikiJSClient

        self.set_menu(emu)
        out = tmp_path / "menu.json"
        summary = cli.json("export", "navigation", "--output", str(out))
        assert summary == {"format": "json", "output": str(out), "locales": 2, "items": 3}
        exported = json.loads(out.read_text("utf-8"))
        assert exported == self.MENU
        with WikiJSClient(emu.url, api_key=emu.api_key) as client:
            client.navigation.update_tree([])
            assert client.navigation.tree() == []
            client.navigation.update_tree(exported)
        assert cli.json("navigation", "show") == self.MENU
        yaml_text = cli.ok("export", "navigation", "--format", "yaml", "--locale", "fr").stdout
        assert yaml_text.startswith("- locale: fr\n")
