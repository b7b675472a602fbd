"""The new-task form's place search (GET /api/task-targets): every word of the query held by the
compound's, building's, 单元's or room's name; the hits of one compound together; each with the grid a
task on it goes to (the rule the task itself follows); never a place outside the admin's jurisdiction."""

import pytest

from tests.server.tasks_support import HEXI_ADMIN, ROOT_ADMIN, WORKER_A, new_task, signed_in


def _search(auth, **args):
    response = auth.send("GET", "/api/task-targets", query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_word_finds_the_households_of_its_compound_with_their_grid(app, world):
    body = _search(signed_in(app, ROOT_ADMIN), q="帝豪")
    assert body["total"] == 3
    assert [h["id"] for h in body["items"]] == list(world.hh_dihao1)
    hit = body["items"][0]
    assert (hit["kind"], hit["name"], hit["grid_id"], hit["grid_name"]) == (
        "household",
        "1号楼 1单元 101",
        world.g4,
        "帝豪社区第一网格",
    )
    assert [step["name"] for step in hit["path"]] == ["帝豪社区", "帝豪花园"]


def test_every_word_must_match_and_kinds_choose_what_is_searched(app, world):
    root = signed_in(app, ROOT_ADMIN)
    got = _search(root, q="河西 2号楼 20", kinds="compound,building,household")
    assert [(h["kind"], h["id"]) for h in got["items"]] == [("household", world.hh_hexi2[2])]
    got = _search(root, q="河西", kinds="compound,building")
    assert [(h["kind"], h["id"]) for h in got["items"]] == [
        ("compound", world.hexi_xiaoqu),
        ("building", world.b_hexi1),
        ("building", world.b_hexi2),
    ]  # a compound's hits together: the compound, then its buildings
    # 文峰苑: G2 covers only its 1号楼 — a household of another building is in no grid
    wenfeng = {h["name"]: h["grid_id"] for h in _search(root, q="文峰苑", kinds="building")["items"]}
    assert wenfeng["1号楼"] == world.g2


def test_the_search_stays_in_the_admins_jurisdiction(app, world):
    hexi = signed_in(app, HEXI_ADMIN)
    assert _search(hexi, q="帝豪")["total"] == 0  # 帝豪花园 is another community's
    mine = _search(hexi, q="1号楼", kinds="building", per_page=50)["items"]
    assert {step["name"] for h in mine for step in h["path"] if step["kind"] == "community"} == {"河西社区"}
    assert {h["id"] for h in mine} == {world.b_hexi1, world.b_wenfeng1}
    # what it finds, a task may go to
    first = _search(hexi, q="河西 101")["items"][0]
    assert first["id"] == world.hh_hexi1[0]
    assert new_task(hexi, "household", first["id"])["grid_id"] == first["grid_id"] == world.g1


def test_pages_do_not_repeat_a_hit(app, world):
    root = signed_in(app, ROOT_ADMIN)
    whole = _search(root, per_page=50)
    pages = [_search(root, page=p, per_page=4)["items"] for p in range(1, 1 + (whole["total"] + 3) // 4)]
    assert [h["id"] for page in pages for h in page] == [h["id"] for h in whole["items"]]
    assert whole["total"] == len(whole["items"]) > 8


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"q": "x" * 41}, "q"),
        ({"kinds": "grid"}, "kinds"),
        ({"kinds": "household,town"}, "kinds"),
        ({"per_page": 51}, "per_page"),
    ],
)
def test_a_bad_question_is_422(app, world, args, field):
    response = signed_in(app, ROOT_ADMIN).send("GET", "/api/task-targets", query_string=args)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_a_percent_is_a_character_and_workers_may_not_search(app, world):
    assert _search(signed_in(app, ROOT_ADMIN), q="%")["total"] == 0
    assert signed_in(app, WORKER_A).send("GET", "/api/task-targets", query_string={"q": "河西"}).status_code == 403
