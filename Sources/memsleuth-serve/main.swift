import Server

await ServeTool.runMain()
