print("kuzzle-standin: not yet")
