"""The fast layer: the answering stages on the real bulletin with BM25 alone (no embedding model)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def lexical_assistant(tmp_path_factory):
    from zhili_qa import index as index_store
    from zhili_qa.assistant import Assistant
    from zhili_qa.config import Settings
    from zhili_qa.corpus import load_corpus
    from zhili_qa.retrieve import Retriever
    from zhili_qa.text import Thesaurus, Tokenizer, corpus_terms

    settings = Settings.from_env(
        {},  # a clean environment: the developer's ZHILI_* variables do not reach these tests
        corpus=ROOT / "data" / "bulletin.txt",
        thesaurus=ROOT / "data" / "thesaurus.tsv",
        data_dir=tmp_path_factory.mktemp("data"),
    )
    corpus = load_corpus(settings.corpus)
    thesaurus = Thesaurus.load(settings.thesaurus)
    tokenizer = Tokenizer(corpus_terms(corpus) | thesaurus.targets)
    retriever = Retriever(corpus, index_store.build_lexical(corpus, tokenizer), tokenizer, thesaurus, None)
    return Assistant(settings, corpus, retriever, "BM25 only: the fast test layer")


@pytest.fixture(scope="session")
def reader(lexical_assistant):
    return lexical_assistant.reader


@pytest.fixture(scope="session")
def project(lexical_assistant):
    return lambda number: lexical_assistant.corpus.documents[0].project(number)
