"""Adding, replacing and removing a bulletin, and rolling back: checked first, built aside, switched whole.

The hashing encoder stands in for the model: what is tested is which files and generation are current.
"""

import pytest
from click.testing import CliRunner

from bulletins import SMALL
from zhili_qa import assistant as assistant_module
from zhili_qa import cli, library
from zhili_qa.config import Settings
from zhili_qa.corpus import DocumentMeta
from zhili_qa.embedding.encoders import HashingEncoder
from zhili_qa.errors import CorpusError

LATER = SMALL.replace("2024年以来", "2025年以来").replace("设立公平秤20台", "设立公平秤26台")


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setattr(assistant_module, "load_encoder", lambda _settings, **_: HashingEncoder())
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "county-2024.txt").write_text(SMALL, encoding="utf-8")
    (folder / "county-2024.toml").write_text('period = "2024"\n', encoding="utf-8")
    settings = Settings.from_env({}, corpus=folder, index_dir=tmp_path / "index", models_dir=tmp_path / "models")
    assistant_module.Assistant.load(settings, progress=False)
    return settings


def state(settings):
    files = {p.name: p.read_bytes() for p in sorted(settings.corpus.iterdir())}
    return files, (settings.index_dir / "CURRENT").read_text()


def test_a_rejected_file_changes_nothing(settings):
    before = state(settings)
    bad = SMALL.replace("2\n治理项目", "3\n治理项目")
    assert library.inspect_text(bad, "county-2025").problem.startswith("county-2025:7: 项目编号应为2")
    with pytest.raises(CorpusError):
        library.change(settings, "county-2025", "不是公告\n", None)
    with pytest.raises(CorpusError, match="已有公告"):
        library.change(settings, "county-2024", SMALL, None)
    assert state(settings) == before
    assert not (settings.index_dir / "rollback").exists()


def test_add_then_rollback_restores_files_and_generation(settings):
    before = state(settings)
    library.change(settings, "county-2025", LATER, DocumentMeta(period="2025"))
    assert (settings.corpus / "county-2025.toml").read_text() == 'period = "2025"\n'
    after = assistant_module.Assistant.load(settings, progress=False)
    assert after.years is not None and "26台" in after.ask("设立公平秤多少台").answer
    assert state(settings) != before
    assert library.rollback(settings) == "county-2025.txt、county-2025.toml"
    assert state(settings) == before
    # The restored generation is the one the restored corpus was built into: it loads without a rebuild.
    restored = assistant_module.Assistant.load(settings, progress=False)
    assert restored.years is None and before[1] == (settings.index_dir / "CURRENT").read_text()
    with pytest.raises(CorpusError, match="没有可以回退"):
        library.rollback(settings)


def test_replace_and_remove(settings):
    library.change(settings, "county-2025", LATER, DocumentMeta(period="2025"))
    library.change(settings, "county-2025", LATER.replace("26台", "30台"), None, replace=True)
    assert "30台" in (settings.corpus / "county-2025.txt").read_text()
    assert not (settings.corpus / "county-2025.toml").exists()  # replaced without metadata
    library.change(settings, "county-2025", None)
    assert sorted(p.name for p in settings.corpus.iterdir()) == ["county-2024.toml", "county-2024.txt"]
    with pytest.raises(CorpusError, match="没有公告"):
        library.change(settings, "county-2025", None)
    with pytest.raises(CorpusError, match="没有任何公告"):
        library.change(settings, "county-2024", None)


def test_command_line_checks_first_and_names_the_line(settings, tmp_path):
    runner = CliRunner()
    flags = ["--corpus", str(settings.corpus), "--index-dir", str(settings.index_dir)]
    bad = tmp_path / "bad.txt"
    bad.write_text(SMALL.replace("牵头单位：县教育局\n", ""), encoding="utf-8")
    result = runner.invoke(cli.main, ["corpus", "add", str(bad), *flags])
    assert result.exit_code == 1 and "第2项缺少“牵头单位”" in result.output and "没有任何改动" in result.output
    good = tmp_path / "county-2025.txt"
    good.write_text(LATER, encoding="utf-8")
    result = runner.invoke(
        cli.main, ["corpus", "add", str(good), "--period", "2025", "--published", "2026-1-2", *flags]
    )
    assert result.exit_code == 1 and "published" in result.output
    result = runner.invoke(cli.main, ["corpus", "add", str(good), "--period", "2025", *flags])
    assert result.exit_code == 0, result.output
    assert "第1项 农贸市场计量专项治理：治理项目、牵头单位、治理目标、治理成果" in result.output
    assert "第2项 校车安全专项治理：治理项目、牵头单位、治理成果（缺少：治理目标）" in result.output
    assert runner.invoke(cli.main, ["corpus", "rollback", *flags]).exit_code == 0
    assert not (settings.corpus / "county-2025.txt").exists()
