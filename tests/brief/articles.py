"""Small made-up news articles for the briefing tests: three stories, and an update to one."""

from __future__ import annotations

STORM_1 = (
    "Storm Elena flooded the river port of Marlow on Monday after three days of heavy rain. "
    "The river rose two metres above its usual level and water filled the streets of the old town. "
    "Rescue teams evacuated four hundred residents from the flooded streets near the harbour. "
    "The mayor of Marlow said the storm was the worst flood the port had seen in fifty years. "
    "Schools in Marlow will stay closed until the flood water drains from the streets."
)
STORM_2 = (
    "Flood water covered the old town of Marlow as Storm Elena brought a third day of heavy rain. "
    "Emergency services said four hundred people were evacuated from homes near the river harbour. "
    "The storm also cut power to thousands of homes in the villages around Marlow. "
    "Forecasters expect the heavy rain from Storm Elena to ease by Wednesday morning."
)
STORM_UPDATE = (
    "Engineers began pumping flood water out of the Marlow harbour district on Wednesday "
    "as Storm Elena moved away. "
    "The government promised forty million euros to rebuild the flooded river port of Marlow. "
    "Insurers estimated that the storm damaged more than two thousand buildings in the old town. "
    "Residents of Marlow started returning to their flooded homes to clear mud from the streets."
)
RATES_1 = (
    "The central bank raised its main interest rate by a quarter point to four percent on Tuesday. "
    "The bank said inflation remained too high and that further rate rises could follow this year. "
    "Mortgage lenders are expected to pass the higher interest rate on to borrowers within weeks. "
    "The governor told reporters that wage growth was keeping inflation above the bank's target."
)
RATES_2 = (
    "Borrowing costs rose again after the central bank lifted the interest rate to four percent. "
    "It was the ninth rate rise in a row as the bank tries to bring inflation back to its target. "
    "Economists had expected the quarter point increase in the interest rate. "
    "The governor said the bank would watch wage growth and prices closely before the next decision."
)
LAUNCH = (
    "A new weather satellite was launched from the coastal spaceport on Thursday evening. "
    "The rocket carried the satellite into an orbit high above the equator without problems. "
    "Scientists will use the satellite to track hurricanes and measure ocean temperatures. "
    "The mission team said the first images from the satellite should arrive within two weeks."
)
