from portal.domain.ordering import Direction, moved


def test_moving_up_and_down_swaps_neighbours():
    assert moved(["a", "b", "c"], "b", Direction.UP) == ["b", "a", "c"]
    assert moved(["a", "b", "c"], "b", Direction.DOWN) == ["a", "c", "b"]


def test_the_ends_stay_put():
    assert moved(["a", "b"], "a", Direction.UP) == ["a", "b"]
    assert moved(["a", "b"], "b", Direction.DOWN) == ["a", "b"]
