"""Tables saved to the stage cache or sent from a child process come back exactly as they were."""

import io

import numpy as np
import pandas as pd

from pipeline.support import pickling


def round_trip(value):
    handle = io.BytesIO()
    pickling.dump(value, handle)
    handle.seek(0)
    return pickling.load(handle)


def test_a_table_of_texts_in_pieces_comes_back_equal_and_still_in_pieces():
    texts = pd.Series(["Soleimani was killed.", None, "Iraq’s parliament voted."], dtype="str")
    joined = pd.concat([texts, texts.iloc[1:]], ignore_index=True)  # two pieces, the second a slice
    table = pd.DataFrame(
        {"text": joined, "sentence_id": np.arange(len(joined)), "outlet": pd.Categorical(["RT", "TASS"] * 2 + ["RT"])}
    )
    back = round_trip({"table": table, "empty": table.iloc[0:0]})
    pd.testing.assert_frame_equal(back["table"], table)
    pd.testing.assert_frame_equal(back["empty"], table.iloc[0:0])
    # Not joined into one new array first, which would briefly hold every text twice.
    assert back["table"]["text"].array._pa_array.num_chunks == 2
