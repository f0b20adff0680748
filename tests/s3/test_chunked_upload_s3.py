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
