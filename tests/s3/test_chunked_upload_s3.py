"""A package uploaded in pieces into S3: pieces stored as objects, then checked, extracted and cleaned up."""
from openedxscorm_support.block_runtime import make_block
from tests.s3.conftest import make_s3_storage
from tests.test_chunked_upload import CHUNK, PACKAGE, start, upload_all


def test_pieces_on_s3_give_the_package(moto_server, bucket):
    storage = make_s3_storage(moto_server.endpoint, bucket)
    block = make_block(UPLOAD_CHUNK_SIZE=CHUNK, STORAGE_FUNC=lambda _block: storage)
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data), PACKAGE.name).json["upload_id"]
    response = upload_all(block, data, upload_id)
    assert response.json["state"] == "done"
    assert block.package_tree().is_complete()
    assert storage.listdir(f"scorm/partial-uploads/{upload_id}") == ([], [])


def test_each_piece_costs_its_round_trips_and_no_more(moto_server, bucket):
    """On a distant store every request is a round trip the author waits for. A piece of one part or less is one
    PutObject (never a multipart upload), the metadata and each piece are read back with one GET each (no HEADs
    first), and the pieces go with one DeleteObjects."""
    storage = make_s3_storage(moto_server.endpoint, bucket)
    block = make_block(UPLOAD_CHUNK_SIZE=CHUNK, S3_PART_SIZE=CHUNK, STORAGE_FUNC=lambda _block: storage)
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data), PACKAGE.name).json["upload_id"]
    assert upload_all(block, data, upload_id).json["state"] == "done"
    folder = f"/scorm/partial-uploads/{upload_id}/"
    about_pieces = [(method, rest.split("?")[0]) for method, rest, _status in moto_server.settled_requests(bucket)
                    if folder in rest or (method == "GET" and "list-type=2" in rest and "partial-uploads" in rest)
                    or (method == "POST" and "delete" in rest)]
    pieces = -(-len(data) // CHUNK)
    assert pieces >= 3
    piece_puts = [path for method, path in about_pieces if method == "PUT" and path.endswith(".part")]
    assert len(piece_puts) == pieces
    assert not [path for method, path in about_pieces if method == "POST" and path.endswith(".part")]  # multipart
    assert not [path for method, path in about_pieces if method == "HEAD"]
    assert len([path for method, path in about_pieces if method == "GET" and path.endswith(".part")]) == pieces
    assert len([path for method, path in about_pieces if method == "GET" and path.endswith("upload.json")]) == pieces
    assert len([method for method, _path in about_pieces if method == "POST"]) == 1  # DeleteObjects
    assert not [path for method, path in about_pieces if method == "DELETE"]
