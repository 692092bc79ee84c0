print("kuzzle-bridge: not yet")
