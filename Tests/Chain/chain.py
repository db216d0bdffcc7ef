"""A local Ethereum chain for the operator registry's tests: eth-tester's in-process EVM (py-evm) behind a small
JSON-RPC server on 127.0.0.1, with the EigenLayer test doubles (contracts/*.vy, compiled here by vyper) deployed.

    chain.py [--port N]

Prints one JSON line when ready: {"event": "ready", "port": N, "chainId": ..., "accounts": [...],
"delegationManager": "0x…", "avsDirectory": "0x…", "allocationManager": "0x…"}. The accounts are eth-tester's
funded, unlocked accounts: tests send real transactions with eth_sendTransaction (from one of them). One extra method,
test_setOffline [bool], makes the server answer every other call with HTTP 503 until set back, as a node that went
away; test_setAutomine [bool] turns mining of each transaction as it comes off (transactions then wait in the
pool, and a transaction sent again with the same nonce replaces itself) and back on (the pool is mined at once),
so a test can hold a transaction between its sending and its receipt. It exits when the process that started it
ends.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from eth_tester import EthereumTester, PyEVMBackend
from vyper import compile_code
from web3 import Web3
from web3.providers.eth_tester import EthereumTesterProvider

HERE = os.path.dirname(os.path.abspath(__file__))


def to_json(value):
    """web3's results as JSON-RPC writes them: integers and bytes as hex."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: to_json(v) for k, v in dict(value).items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def deploy(w3, name):
    with open(os.path.join(HERE, "contracts", name + ".vy")) as f:
        out = compile_code(f.read(), output_formats=["abi", "bytecode"])
    contract = w3.eth.contract(abi=out["abi"], bytecode=out["bytecode"])
    tx = contract.constructor().transact({"from": w3.eth.accounts[0]})
    return w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    provider = EthereumTesterProvider(EthereumTester(PyEVMBackend()))
    w3 = Web3(provider)
    addresses = {key: deploy(w3, name) for key, name in [
        ("delegationManager", "DelegationManager"), ("avsDirectory", "AVSDirectory"),
        ("allocationManager", "AllocationManager")]}
    request = provider.request_func(w3, w3.middleware_onion)
    lock = threading.Lock()
    state = {"offline": False}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            call = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            ident, method, params = call.get("id"), call.get("method"), call.get("params", [])
            if method == "test_setOffline":
                state["offline"] = bool(params[0])
                return self.answer(200, {"jsonrpc": "2.0", "id": ident, "result": state["offline"]})
            if method == "test_setAutomine":
                with lock:
                    if params[0]:
                        provider.ethereum_tester.enable_auto_mine_transactions()
                    else:
                        provider.ethereum_tester.disable_auto_mine_transactions()
                return self.answer(200, {"jsonrpc": "2.0", "id": ident, "result": bool(params[0])})
            if state["offline"]:
                return self.answer(503, {"error": "offline"})
            try:
                with lock:
                    response = request(method, params)
            except Exception as error:  # a revert, a bad call: a JSON-RPC error, as a node answers
                return self.answer(200, {"jsonrpc": "2.0", "id": ident,
                                         "error": {"code": -32000, "message": str(error)}})
            if "error" in response and response["error"]:
                error = response["error"]
                message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
                return self.answer(200, {"jsonrpc": "2.0", "id": ident, "error": {"code": -32000, "message": message}})
            return self.answer(200, {"jsonrpc": "2.0", "id": ident, "result": to_json(response.get("result"))})

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    # Gone with whoever started it, even when that one was killed (SIGKILL leaves no time to stop us).
    parent = os.getppid()

    def orphaned():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    ready = dict(event="ready", port=server.server_address[1], chainId=w3.eth.chain_id,
                 accounts=list(w3.eth.accounts), **addresses)
    print(json.dumps(ready), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
