"""Settings: defaults, ZHILI_* variables, flags; a value that does not fit is a Chinese ConfigError naming
the variable; the README's one configuration table lists exactly the settings there are."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from zhili_qa.config import Settings, env_name
from zhili_qa.errors import ConfigError

README = Path(__file__).resolve().parents[1] / "README.md"


def test_variables_then_flags_override_the_defaults():
    assert Settings.from_env({}).port == 7860
    assert Settings.from_env({"ZHILI_PORT": "8000"}).port == 8000
    assert Settings.from_env({"ZHILI_PORT": "8000"}, port=9000).port == 9000
    assert Settings.from_env({"ZHILI_QUANTIZE": "0"}).quantize is False
    assert Settings.from_env({"ZHILI_DATA_DIR": "~/zq"}).data_dir == Path("~/zq").expanduser()


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ZHILI_PORT", "abc"), ("ZHILI_PORT", "70000"), ("ZHILI_BACKEND", "gpu"), ("ZHILI_LLM_TIMEOUT", "soon")],
)
def test_a_value_that_does_not_fit_is_a_config_error_naming_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable) as raised:
        Settings.from_env({variable: value})
    assert "不合适" in str(raised.value)


def test_the_command_line_says_so_without_a_traceback():
    run = subprocess.run(
        [sys.executable, "-m", "zhili_qa.cli", "ask", "种牙多少钱"],
        env={"ZHILI_PORT": "abc", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "ZHILI_PORT" in run.stderr and "Traceback" not in run.stderr


def test_the_readme_table_lists_every_setting_and_no_other():
    table = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(ZHILI_[A-Z_]+)`", table))
    assert documented == {env_name(name) for name in Settings.model_fields}
